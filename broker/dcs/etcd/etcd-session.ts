import type { IDuplexStream, ILeaseKeepAliveRequest, ILeaseKeepAliveResponse } from 'etcd3';
import { LeaseSession } from '../lease-session.js';
import { discard, type EtcdStore } from './etcd-wire.js';

/** Keepalives sent without an answer before the keepalive stream is presumed stuck and reopened. */
const KEEPALIVES_UNANSWERED_MAX = 4;

/**
 * An etcd lease with its keepalive loop. The session clock (LeaseSession) counts from each confirmed
 * renewal's send time plus the TTL etcd answered with: a lower bound of when etcd drops the lease.
 */
export class EtcdSession extends LeaseSession {
  private stream: IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse> | undefined;
  private streamGeneration = 0;
  /** Send times of keepalives not answered yet on the current stream, oldest first. */
  private unanswered: number[] = [];
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dcs: EtcdStore,
    id: string,
    ttlMs: number,
    expiresAtMs: number,
  ) {
    super(id, ttlMs, expiresAtMs, dcs.logger);
  }

  start(): void {
    this.renewTimer = setInterval(() => this.renew(), this.ttlMs / 3);
    this.renewTimer.unref();
    this.armExpiryTimer();
    this.openStream();
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.end();
    try {
      await this.dcs.client.leaseClient.leaseRevoke({ ID: this.id });
    } catch (err) {
      if (!(err instanceof this.dcs.lib.EtcdLeaseInvalidError)) throw err; // already gone
    }
  }

  protected cleanUpLost(): void {
    // If etcd still has the lease (the loss was our conservative clock), drop it and its keys now.
    this.dcs.client.leaseClient.leaseRevoke({ ID: this.id }).catch(() => undefined);
  }

  protected onEnd(): void {
    clearInterval(this.renewTimer);
    this.dropStream();
    this.dcs.forget(this);
  }

  private renew(): void {
    if (this.ended) return;
    if (this.expired()) {
      this.markLost('not renewed before its TTL ran out');
    } else if (this.stream === undefined) {
      this.openStream();
    } else if (this.unanswered.length >= KEEPALIVES_UNANSWERED_MAX) {
      this.dropStream();
      this.openStream();
    } else {
      this.unanswered.push(performance.now());
      this.stream.write({ ID: this.id });
    }
  }

  private openStream(): void {
    const generation = ++this.streamGeneration;
    this.dcs.client.leaseClient.leaseKeepAlive().then(
      (stream) => {
        if (this.ended || generation !== this.streamGeneration) return discard(stream);
        this.stream = stream;
        this.unanswered = [];
        const fail = () => {
          if (generation === this.streamGeneration) this.dropStream();
        };
        stream.on('error', fail);
        stream.on('end', fail);
        stream.on('data', (res) => {
          if (generation === this.streamGeneration) this.onKeepAlive(res);
        });
        this.renew();
      },
      // The next renew() tries again; the expiry timer bounds how long that may go on.
      () => undefined,
    );
  }

  private dropStream(): void {
    this.streamGeneration += 1;
    this.unanswered = [];
    const stream = this.stream;
    this.stream = undefined;
    discard(stream);
  }

  private onKeepAlive(res: ILeaseKeepAliveResponse): void {
    const sentAtMs = this.unanswered.shift();
    if (sentAtMs === undefined || this.ended) return;
    const ttlS = Number(res.TTL);
    if (!(ttlS > 0)) {
      this.markLost('etcd reports the lease expired or revoked');
    } else if (this.expired()) {
      this.markLost('not renewed before its TTL ran out');
    } else {
      this.renewed(sentAtMs, ttlS * 1000);
    }
  }
}
