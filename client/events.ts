/**
 * Typed events of the producer and the consumer (listed in docs/client.md, "Logging and events").
 *
 * Not Node's EventEmitter on purpose: an 'error' event nobody listens to must not throw into the
 * client's internals (it is logged instead), and a listener that throws is logged, never propagated.
 * Emitting is synchronous; a listener that needs to do I/O should not block.
 */
import type { TributaryError } from '../proto/errors.js';
import type { TopicPartition } from './consumer/types.js';
import type { OffsetCommit } from './groups.js';
import type { Logger } from './logger.js';

/** A partition's stream or a batch that is tried again after a retriable failure. */
export interface RetryEvent {
  topic: string;
  partition: number;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  error: TributaryError;
}

/** A failure the client handled itself; `context` says where (e.g. 'producer-id', 'batch', 'heartbeat'). */
export interface ErrorEvent {
  context: string;
  error: TributaryError;
  topic?: string;
  partition?: number;
}

export interface ProducerEvents {
  /** A batch goes back to its queue after a retriable failure. */
  retry: RetryEvent;
  /** A batch failed for good (its records' promises reject too), or a background request failed. */
  error: ErrorEvent;
}

export interface CommitFailedEvent {
  offsets: OffsetCommit[];
  error: TributaryError;
  /** Auto-commit (timer, close or revocation) rather than an explicit `commit()`. */
  auto: boolean;
}

export interface RebalanceEvent {
  type: 'assigned' | 'revoked' | 'lost';
  partitions: TopicPartition[];
}

export interface ConsumerEvents {
  /** A commit failed (an explicit `commit()` also rejects). */
  commitFailed: CommitFailedEvent;
  /** A partition's stream failed retriably and reconnects after `delayMs`. */
  reconnect: RetryEvent;
  /** The group changed this consumer's partitions. */
  rebalance: RebalanceEvent;
  /** A background failure: a heartbeat, leaving the group, a partition that stopped. */
  error: ErrorEvent;
}

type Listener<E> = (event: E) => void;

export class ClientEvents<M extends object> {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();

  constructor(
    private readonly logger: Logger,
    private readonly source: string,
  ) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof M>(name: K, listener: Listener<M[K]>): () => void {
    let set = this.listeners.get(name);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(name, listener);
  }

  off<K extends keyof M>(name: K, listener: Listener<M[K]>): void {
    this.listeners.get(name)?.delete(listener as Listener<never>);
  }

  emit<K extends keyof M>(name: K, event: M[K]): void {
    for (const listener of [...(this.listeners.get(name) ?? [])]) {
      try {
        (listener as Listener<M[K]>)(event);
      } catch (err) {
        this.logger.error(`${this.source}: a '${String(name)}' listener threw`, { error: String(err) });
      }
    }
  }

  listenerCount(name: keyof M): number {
    return this.listeners.get(name)?.size ?? 0;
  }
}
