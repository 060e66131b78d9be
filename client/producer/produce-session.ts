/**
 * One ProduceStream per broker connection: the producer's pipe for produce requests.
 *
 * Why a stream: concurrent unary calls travel on separate HTTP/2 streams and may reach the broker in any
 * order, so a producer could keep only one request per partition in flight. On one stream the broker
 * starts requests in the order they were written, so many requests per partition can be in flight and
 * still land in order. Each request carries a request_id that its response echoes.
 *
 * Failure: if the stream breaks (broker restart, network) or a request outlives its timeout, the stream
 * is given up and every request pending on it fails with a retriable error, together and in send order;
 * the producer retries them in that order on a new stream. The broker may already have appended some of
 * them (at-least-once, as without Kafka's idempotence). A request is only ever failed by the stream it
 * was written on: after an idle close or a timeout, a newer stream may already carry other requests.
 */
import type { ClientDuplexStream } from '@grpc/grpc-js';
import type { TributaryError } from '../../proto/errors.js';
import type { ProduceRequest } from '../../proto/generated/tributary/v1/ProduceRequest.js';
import type { ProduceResponse__Output } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import type { Connection } from '../connection.js';
import { fromServiceError, fromWireError, TributaryClientError } from '../errors.js';

type Stream = ClientDuplexStream<ProduceRequest, ProduceResponse__Output>;

interface Pending {
  resolve: (response: ProduceResponse__Output) => void;
  reject: (error: TributaryError) => void;
  deadlineMs: number;
  stream: Stream;
}

const REQUEST_ID_MAX = 0xffffffff;
const IDLE_CLOSE_MS = 1000;
const TIMEOUT_CHECK_MS = 250;

export class ProduceSession {
  private stream: Stream | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private timer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly connection: Connection) {}

  get inFlight(): number {
    return this.pending.size;
  }

  /** Writes one request on the stream; resolves with its response, rejects with a typed error. */
  send(request: Omit<ProduceRequest, 'request_id'>, timeoutMs: number): Promise<ProduceResponse__Output> {
    const stream = this.open();
    if (this.idleTimer !== null) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    const id = this.nextId;
    this.nextId = id >= REQUEST_ID_MAX ? 1 : id + 1;
    return new Promise<ProduceResponse__Output>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, deadlineMs: Date.now() + timeoutMs, stream });
      this.armTimer();
      stream.write({ ...request, request_id: id });
    });
  }

  /** Ends the stream after the pending requests are answered (the broker ends its side then). */
  close(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.stream?.end();
    this.stream = null;
  }

  /** An open stream keeps the process alive; one idle this long is ended (and reopened on use). */
  private scheduleIdleClose(): void {
    if (this.pending.size > 0 || this.stream === null || this.idleTimer !== null) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.pending.size === 0) this.close();
    }, IDLE_CLOSE_MS);
    this.idleTimer.unref();
  }

  private open(): Stream {
    if (this.stream !== null) return this.stream;
    const stream: Stream = this.connection.client.ProduceStream();
    stream.on('data', (response: ProduceResponse__Output) => {
      const p = this.pending.get(response.request_id);
      // Already failed (timeout), or the id now belongs to a request on a newer stream.
      if (p === undefined || p.stream !== stream) return;
      this.pending.delete(response.request_id);
      const error = fromWireError(response.error);
      if (error !== null) p.reject(error);
      else p.resolve(response);
      this.scheduleIdleClose();
    });
    const broken = (err: unknown) => {
      if (this.stream === stream) this.stream = null;
      this.failAll(
        stream,
        err === undefined
          ? new TributaryClientError('UNAVAILABLE', 'the broker ended the produce stream', {
              code: 14,
              retriable: true,
            })
          : fromServiceError(err),
      );
    };
    stream.on('error', broken);
    stream.on('end', () => broken(undefined));
    this.stream = stream;
    return stream;
  }

  /** Fails every request pending on `stream`, oldest first, so retries keep their order. */
  private failAll(stream: Stream, error: TributaryError): void {
    const failed: Pending[] = [];
    for (const [id, p] of this.pending) {
      if (p.stream !== stream) continue;
      this.pending.delete(id);
      failed.push(p);
    }
    for (const p of failed) p.reject(error);
  }

  private armTimer(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = Date.now();
      const expired = new Set<Stream>();
      for (const p of this.pending.values()) if (p.deadlineMs <= now) expired.add(p.stream);
      for (const stream of expired) {
        // A request past its deadline may or may not have been appended; later ones must not overtake
        // its retry, so its whole stream goes. Its requests fail here as retriable timeouts; the
        // CANCELLED the stream reports afterwards finds none of them left.
        if (this.stream === stream) this.stream = null;
        this.failAll(
          stream,
          new TributaryClientError('DEADLINE_EXCEEDED', 'a produce request timed out', {
            code: 4,
            retriable: true,
          }),
        );
        stream.cancel();
      }
      if (this.pending.size > 0) this.armTimer();
    }, TIMEOUT_CHECK_MS);
    this.timer.unref();
  }
}
