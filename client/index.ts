/**
 * The Tributary client.
 *
 * ```ts
 * const tributary = new Tributary({ bootstrap: '127.0.0.1:9292' });
 * await tributary.admin().createTopic({ name: 'events', partitions: 3 });
 * await tributary.producer().send({ topic: 'events', messages: [{ key: 'k', value: 'v' }] });
 * const consumer = tributary.consumer();
 * await consumer.assign({ topic: 'events', from: 'earliest' });
 * for await (const record of consumer) console.log(record.partition, record.offset, record.value?.toString());
 * // ... consumer.close() or tributary.close() ends the loop
 * tributary.close();
 * ```
 *
 * Layers, bottom up: `Connection` (gRPC channel and stubs) -> `Cluster` (metadata cache) ->
 * `Producer` (client/producer/) / `Consumer` and `PartitionReader` (client/consumer/) / `Admin`. All of them share the connections of a `Tributary` (the bootstrap
 * connection, and one per partition leader).
 */
import { Admin, type AdminOptions } from './admin.js';
import { Cluster, type ClusterOptions } from './cluster.js';
import { Connection, type ConnectionOptions } from './connection.js';
import { Consumer, type ConsumerOptions } from './consumer/consumer.js';
import { PartitionReader } from './consumer/partition-reader.js';
import { Producer, type ProducerOptions } from './producer/producer.js';
import { SecurityAdmin } from './security-admin.js';

export type TributaryOptions = ConnectionOptions & ClusterOptions;

export class Tributary {
  readonly connection: Connection;
  readonly cluster: Cluster;
  private readonly consumers = new Set<Consumer>();
  private readonly producers = new Set<Producer>();

  constructor(options: TributaryOptions) {
    this.connection = new Connection(options);
    this.cluster = new Cluster(this.connection, options);
  }

  /** An admin client; with `signal`, aborting it cancels the calls still waiting. */
  admin(options: AdminOptions = {}): Admin {
    return new Admin(this.cluster, options);
  }

  /**
   * The SecurityService calls (ACLs, SCRAM credentials, quotas, who am I); with `signal`, aborting it
   * cancels the calls still waiting.
   */
  securityAdmin(options: AdminOptions = {}): SecurityAdmin {
    const signal = options.signal;
    return new SecurityAdmin(this.connection, (invoke) =>
      this.connection.unary(invoke, signal === undefined ? {} : { signal }),
    );
  }

  /** A producer; call its `close()` to flush. `close()` here disconnects producers still open. */
  producer(options: ProducerOptions = {}): Producer {
    const producer = new Producer(this.cluster, options);
    this.producers.add(producer);
    return producer;
  }

  /** A consumer; `close()` here closes every consumer still open. */
  consumer(options: ConsumerOptions = {}): Consumer {
    const consumer = new Consumer(this.cluster, options);
    this.consumers.add(consumer);
    consumer.onClosed(() => this.consumers.delete(consumer));
    return consumer;
  }

  /**
   * One-shot reads of partitions (a range of records, one Fetch), for tools and tests: no assignment,
   * no group. Leaving an iteration cancels its streams. A consuming application uses `consumer()`.
   */
  reader(): PartitionReader {
    return new PartitionReader(this.cluster);
  }

  /**
   * Closes consumers and disconnects producers (records they still buffer are not sent: close or flush a
   * producer first), then closes every connection.
   */
  close(): void {
    for (const consumer of [...this.consumers]) void consumer.close();
    for (const producer of this.producers) producer.disconnect();
    this.producers.clear();
    // The cluster layer closes its pooled leader connections and the bootstrap connection.
    this.cluster.close();
  }
}

export type { ConsumedRecord, ProducerRecord } from '../proto/codec/index.js';
export { ERRORS, type ErrorReason, TributaryError } from '../proto/errors.js';
export * from './acl.js';
export * from './admin.js';
export * from './balance.js';
export type { BrokerRestartCheck, RestartPartition } from './broker-restart-check.js';
export * from './cluster.js';
export * from './connection.js';
export * from './consumer/consumer.js';
export type { RebalanceListener } from './consumer/group-membership.js';
export * from './consumer/merge.js';
export * from './consumer/partition-reader.js';
export * from './errors.js';
export * from './events.js';
export * from './groups.js';
export * from './logger.js';
export * from './offsets.js';
export * from './producer/partitioner.js';
export * from './producer/producer.js';
export * from './security-admin.js';
