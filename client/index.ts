/**
 * The Tributary client.
 *
 * ```ts
 * const tributary = new Tributary({ bootstrap: '127.0.0.1:9292' });
 * await tributary.admin().createTopic({ name: 'events', partitions: 3 });
 * await tributary.producer().send({ topic: 'events', messages: [{ key: 'k', value: 'v' }] });
 * for await (const r of tributary.consumer().consume({ topic: 'events', partition: 0 })) console.log(r.offset);
 * tributary.close();
 * ```
 *
 * Layers, bottom up: `Connection` (gRPC channel and stubs) -> `Cluster` (metadata cache) ->
 * `Producer` / `Consumer` / `Admin`. All of them share the one connection of a `Tributary`.
 */
import { Admin } from './admin.js';
import { Cluster, type ClusterOptions } from './cluster.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { Consumer } from './consumer.js';
import { Producer, type ProducerOptions } from './producer.js';

export type TributaryOptions = ConnectionOptions & ClusterOptions;

export class Tributary {
  readonly connection: Connection;
  readonly cluster: Cluster;

  constructor(options: TributaryOptions) {
    this.connection = new Connection(options);
    this.cluster = new Cluster(this.connection, options);
  }

  admin(): Admin {
    return new Admin(this.cluster);
  }

  producer(options: ProducerOptions = {}): Producer {
    return new Producer(this.cluster, options);
  }

  consumer(): Consumer {
    return new Consumer(this.cluster);
  }

  close(): void {
    this.connection.close();
  }
}

export type { ConsumedRecord, ProducerRecord } from '../proto/codec/index.js';
export { ERRORS, type ErrorReason, TributaryError } from '../proto/errors.js';
export * from './admin.js';
export * from './cluster.js';
export * from './connection.js';
export * from './consumer.js';
export * from './errors.js';
export * from './merge.js';
export * from './offsets.js';
export * from './partitioner.js';
export * from './producer.js';
