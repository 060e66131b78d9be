import type { ClusterDirectory } from '../cluster/cluster-directory.js';
import type { BrokerConfig } from '../config.js';
import type { GroupCoordinator } from '../groups/coordinator.js';
import type { Logger } from '../logger.js';
import type { TopicRegistry } from '../metadata/topic-registry.js';
import type { BrokerMetrics } from '../metrics.js';
import type { ReplicaManager } from '../replication/replica-manager.js';
import type { BrokerSecurity } from '../security/broker-security.js';

/** What every RPC handler may use. Built once by the Broker and passed down; handlers keep no state. */
export interface ApiContext {
  readonly config: BrokerConfig;
  readonly clusterId: string;
  readonly topics: TopicRegistry;
  readonly replicas: ReplicaManager;
  /** Live brokers, the controller, and clients to reach them. */
  readonly cluster: ClusterDirectory;
  /** Consumer groups' committed offsets (for the groups this broker coordinates). */
  readonly groups: GroupCoordinator;
  readonly metrics: BrokerMetrics;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  /** Authentication, ACLs and quotas (applied by the security interceptor before every handler). */
  readonly security: BrokerSecurity;
  /** The gRPC port actually bound (differs from config.port when that is 0). */
  boundPort(): number;
}

/** Tracks in-flight work so that shutdown can refuse new requests and wait for the old ones. */
export class Lifecycle {
  private readonly controller = new AbortController();
  private readonly pending = new Set<Promise<unknown>>();
  inflightRequests = 0;
  inflightProduceBytes = 0;
  subscriptions = 0;
  produceStreams = 0;

  /** Aborts when shutdown begins: long polls and streams end early. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get shuttingDown(): boolean {
    return this.controller.signal.aborted;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const forget = () => this.pending.delete(work);
    work.then(forget, forget);
    return work;
  }

  beginShutdown(): void {
    this.controller.abort();
  }

  /** Waits for tracked work to settle, at most `graceMs`; true if everything finished. */
  async drain(graceMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), graceMs);
    });
    const all = Promise.allSettled([...this.pending]).then(() => true);
    const finished = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return finished;
  }
}
