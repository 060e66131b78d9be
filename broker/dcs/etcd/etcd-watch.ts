import type { IDuplexStream, IWatchRequest, IWatchResponse } from 'etcd3';
import { sleep } from '../../../kit/sleep.js';
import { type DcsEvent, deliver, type VersionedValue } from '../dcs.js';
import { ResumableWatch, relistEvents } from '../resumable-watch.js';
import { discard, type EtcdStore, prefixEnd, revision } from './etcd-wire.js';

/**
 * One watch: an etcd watch stream that is reopened from the next undelivered revision when it fails
 * (ResumableWatch), and lists the prefix again after a compaction.
 */
export class EtcdWatch extends ResumableWatch {
  private readonly start_: Buffer;
  private readonly end_: Buffer;
  /** The first revision not yet delivered: where a reopened stream starts. */
  private nextRevision = 0;
  /** Keys under the prefix and their versions as of nextRevision - 1, to re-list after a compaction. */
  private readonly known = new Map<string, number>();
  private stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  private abortAttach: (() => void) | undefined;

  constructor(
    private readonly dcs: EtcdStore,
    private readonly prefix: string,
    private readonly listener: (event: DcsEvent) => void,
  ) {
    super(dcs.logger);
    this.start_ = dcs.full(prefix);
    this.end_ = prefixEnd(this.start_);
  }

  /**
   * Snapshot the keys at some revision R, then watch from R + 1: resolves once etcd created the watch.
   * A stream that fails before that (it went to an endpoint that is down) is retried on another one
   * until the request timeout has passed.
   */
  async start(): Promise<void> {
    const deadline = Date.now() + this.dcs.requestTimeoutMs;
    const res = await this.dcs.client.kv.range({ key: this.start_, range_end: this.end_, keys_only: true });
    for (const kv of res.kvs) this.known.set(this.dcs.relative(kv.key), revision(kv.mod_revision));
    this.nextRevision = revision(res.header.revision) + 1;
    for (let attempt = 1; ; attempt++) {
      const backoffMs = this.startRetryMs(attempt);
      try {
        if (this.relistNeeded) await this.relist();
        await this.attach();
        return;
      } catch (err) {
        if (this.stopped || Date.now() + backoffMs >= deadline) throw err;
        await sleep(backoffMs);
      }
    }
  }

  stop(): void {
    if (this.stopped) return;
    this.markStopped();
    this.abortAttach?.();
    this.abortAttach = undefined;
    this.dropStream();
    this.dcs.forget(this);
  }

  protected position(): Record<string, unknown> {
    return { prefix: this.prefix, fromRevision: this.nextRevision };
  }

  /** Opens a stream and creates the watch at nextRevision; resolves when etcd confirms it. */
  protected attach(): Promise<void> {
    const generation = ++this.generation;
    return new Promise<void>((resolve, reject) => {
      let created = false;
      // stop() settles a pending attach, whatever state its stream is in.
      this.abortAttach = () => reject(new Error('the watch was stopped'));
      const fail = (err: Error) => {
        if (generation !== this.generation) return;
        this.dropStream();
        if (created) this.retry(err);
        else reject(err);
      };
      this.dcs.client.watchClient.watch().then(
        (stream) => {
          if (this.stopped || generation !== this.generation) {
            discard(stream);
            return reject(new Error('the watch was stopped'));
          }
          this.stream = stream;
          stream.on('error', fail);
          stream.on('end', () => fail(new Error('etcd ended the watch stream')));
          stream.on('data', (res) => {
            if (generation !== this.generation) return;
            if (res.canceled) return fail(this.canceled(res));
            if (res.created) {
              created = true;
              this.abortAttach = undefined;
              this.resetBackoff();
              return resolve();
            }
            this.onEvents(res);
          });
          stream.write({
            create_request: { key: this.start_, range_end: this.end_, start_revision: this.nextRevision },
          });
        },
        (err: unknown) => fail(err as Error),
      );
    });
  }

  private canceled(res: IWatchResponse): Error {
    const compacted = revision(res.compact_revision);
    if (compacted > 0) {
      this.relistNeeded = true;
      return new Error(`etcd compacted revisions up to ${compacted}; the watch lists ${this.prefix} again`);
    }
    return new Error(`etcd canceled the watch: ${res.cancel_reason || 'no reason given'}`);
  }

  private onEvents(res: IWatchResponse): void {
    if (this.stopped) return;
    const from = this.nextRevision;
    for (const e of res.events) {
      if (this.stopped) return; // the listener unsubscribed while handling an earlier event
      const version = revision(e.kv.mod_revision);
      if (version < from) continue; // delivered before the stream was reopened
      const key = this.dcs.relative(e.kv.key);
      this.nextRevision = Math.max(this.nextRevision, version + 1);
      if (e.type === 'Delete') {
        this.known.delete(key);
        deliver(this.listener, { type: 'delete', key, version });
      } else {
        this.known.set(key, version);
        deliver(this.listener, { type: 'put', key, value: e.kv.value, version });
      }
    }
  }

  /** After a compaction: report what changed since nextRevision as puts and deletes, then go on from now. */
  protected async relist(): Promise<void> {
    const res = await this.dcs.client.kv.range({ key: this.start_, range_end: this.end_ });
    if (this.stopped) return;
    const at = revision(res.header.revision);
    const present = new Map<string, VersionedValue>();
    for (const kv of res.kvs) {
      const v = this.dcs.toValue(kv);
      present.set(v.key, v);
    }
    const events = relistEvents(this.known, present, at);
    this.nextRevision = at + 1;
    this.relistNeeded = false;
    for (const event of events) deliver(this.listener, event);
  }

  private dropStream(): void {
    this.generation += 1;
    const stream = this.stream;
    this.stream = undefined;
    discard(stream);
  }
}
