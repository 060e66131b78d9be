/**
 * SDK clients of the broker clusters the operator talks to, one per bootstrap address, shared by the
 * controllers. A client unused for `idleMs` is closed, and at most `clientsMax` are open (the least
 * recently used goes first), so a namespace of many Clusters does not pile up gRPC channels.
 * `close()` cancels the calls in flight (the operator is stopping) and closes every client.
 */
import { type Admin, type SecurityAdmin, Tributary } from '../../client/index.js';

export interface BrokerClientsOptions {
  /** Deadline of each admin call. */
  requestTimeoutMs: number;
  idleMs: number;
  clientsMax: number;
}

export const DEFAULT_BROKER_CLIENTS_OPTIONS: BrokerClientsOptions = {
  requestTimeoutMs: 10_000,
  idleMs: 5 * 60_000,
  clientsMax: 64,
};

interface Entry {
  client: Tributary;
  usedAtMs: number;
}

export class BrokerClients {
  private readonly entries = new Map<string, Entry>();
  private readonly abort = new AbortController();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: BrokerClientsOptions = DEFAULT_BROKER_CLIENTS_OPTIONS) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(1000, options.idleMs / 2));
    this.sweeper.unref();
  }

  /** An admin client of the brokers at `bootstrap` ("host:port", or several IP literals comma-separated). */
  admin(bootstrap: string): Admin {
    return this.client(bootstrap).admin({ signal: this.abort.signal });
  }

  /** The SecurityService calls (SCRAM credentials, ACLs, quotas) of the brokers at `bootstrap`. */
  security(bootstrap: string): SecurityAdmin {
    return this.client(bootstrap).securityAdmin({ signal: this.abort.signal });
  }

  private client(bootstrap: string): Tributary {
    if (this.abort.signal.aborted) throw new Error('broker clients are closed');
    let entry = this.entries.get(bootstrap);
    if (entry === undefined) {
      while (this.entries.size >= this.options.clientsMax) this.evictOldest();
      entry = {
        client: new Tributary({ bootstrap, requestTimeoutMs: this.options.requestTimeoutMs }),
        usedAtMs: Date.now(),
      };
      this.entries.set(bootstrap, entry);
    }
    entry.usedAtMs = Date.now();
    return entry.client;
  }

  /** Drops the client of `bootstrap` (after it failed: the next call dials again). */
  discard(bootstrap: string): void {
    this.entries.get(bootstrap)?.client.close();
    this.entries.delete(bootstrap);
  }

  close(): void {
    this.abort.abort();
    clearInterval(this.sweeper);
    for (const entry of this.entries.values()) entry.client.close();
    this.entries.clear();
  }

  private evictOldest(): void {
    let oldest: string | undefined;
    let oldestMs = Number.POSITIVE_INFINITY;
    for (const [key, entry] of this.entries) {
      if (entry.usedAtMs < oldestMs) {
        oldest = key;
        oldestMs = entry.usedAtMs;
      }
    }
    if (oldest !== undefined) this.discard(oldest);
  }

  private sweep(): void {
    const cutoff = Date.now() - this.options.idleMs;
    for (const [key, entry] of [...this.entries]) if (entry.usedAtMs < cutoff) this.discard(key);
  }
}
