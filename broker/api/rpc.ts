import type {
  handleServerStreamingCall,
  handleUnaryCall,
  ServerUnaryCall,
  ServerWritableStream,
  sendUnaryData,
} from '@grpc/grpc-js';
import { TributaryError } from '../../proto/errors.js';
import type { ApiContext } from './context.js';
import { asTributaryError, toServiceError } from './errors.js';

type AnyCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

/** What ends a call from the client's side: a cancel (RST_STREAM), a dropped connection, a failed stream. */
const CALL_END_EVENTS = ['cancelled', 'close', 'error'] as const;

/**
 * An AbortSignal that fires when the client cancels or drops the call (at once if it already has) or the
 * broker starts shutting down, and `release()`, which the handler must call when it ends: the broker-wide
 * shutdown signal outlives every call, so a listener left on it would leak one per request.
 */
export function callSignal(call: AnyCall, ctx: ApiContext): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  for (const event of CALL_END_EVENTS) call.once(event, abort);
  const stream = 'destroyed' in call ? call : undefined;
  if (call.cancelled || stream?.destroyed === true || ctx.lifecycle.signal.aborted) abort();
  else ctx.lifecycle.signal.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    release: () => {
      for (const event of CALL_END_EVENTS) call.off(event, abort);
      ctx.lifecycle.signal.removeEventListener('abort', abort);
    },
  };
}

function admit(ctx: ApiContext): void {
  if (ctx.lifecycle.shuttingDown) throw new TributaryError('BROKER_SHUTTING_DOWN');
  if (ctx.lifecycle.inflightRequests >= ctx.config.maxInflightRequests) {
    throw new TributaryError(
      'TOO_MANY_REQUESTS',
      `the broker is handling ${ctx.lifecycle.inflightRequests} requests (maxInflightRequests)`,
    );
  }
}

function observe(ctx: ApiContext, method: string, startNs: bigint, err: unknown): void {
  const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
  if (err === undefined) {
    ctx.metrics.requestDuration.observe({ method, code: 'OK' }, seconds);
    return;
  }
  const e = asTributaryError(err);
  ctx.metrics.requestDuration.observe({ method, code: String(e.code) }, seconds);
  ctx.metrics.requestErrors.inc({ method, reason: e.reason });
  if (e.reason === 'INTERNAL' || e.reason === 'STORAGE_ERROR') {
    ctx.logger.error({ method, err: e.cause ?? e }, 'request failed');
  }
}

/**
 * Wraps a promise-returning handler: admission (shutdown, in-flight limit), latency metrics, error mapping
 * to a gRPC status with a reason, and tracking for graceful shutdown.
 */
export function unary<Req, Res>(
  ctx: ApiContext,
  method: string,
  handler: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const startNs = process.hrtime.bigint();
    try {
      admit(ctx);
    } catch (err) {
      observe(ctx, method, startNs, err);
      callback(toServiceError(err));
      return;
    }
    ctx.lifecycle.inflightRequests++;
    ctx.metrics.inflightRequests.inc();
    const work = (async () => handler(call.request, call))();
    ctx.lifecycle
      .track(work)
      .then(
        (response) => {
          observe(ctx, method, startNs, undefined);
          callback(null, response);
        },
        (err: unknown) => {
          observe(ctx, method, startNs, err);
          callback(toServiceError(err));
        },
      )
      .finally(() => {
        ctx.lifecycle.inflightRequests--;
        ctx.metrics.inflightRequests.dec();
      });
  };
}

/** The same for server-streaming calls: the handler writes, resolves to end the stream, throws to fail it. */
export function serverStream<Req, Res>(
  ctx: ApiContext,
  method: string,
  handler: (request: Req, call: ServerWritableStream<Req, Res>) => Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call: ServerWritableStream<Req, Res>) => {
    const startNs = process.hrtime.bigint();
    try {
      admit(ctx);
    } catch (err) {
      observe(ctx, method, startNs, err);
      call.emit('error', toServiceError(err));
      return;
    }
    const work = (async () => handler(call.request, call))();
    ctx.lifecycle.track(work).then(
      () => {
        observe(ctx, method, startNs, undefined);
        if (!call.cancelled) call.end();
      },
      (err: unknown) => {
        observe(ctx, method, startNs, err);
        if (!call.cancelled) call.emit('error', toServiceError(err));
      },
    );
  };
}
