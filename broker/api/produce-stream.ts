import type { handleBidiStreamingCall, ServerDuplexStream } from '@grpc/grpc-js';
import { TributaryError } from '../../proto/errors.js';
import type { ProduceRequest__Output } from '../../proto/generated/tributary/v1/ProduceRequest.js';
import type { ProduceResponse } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import type { ApiContext } from './context.js';
import { asTributaryError, toServiceError, toWireError } from './errors.js';
import { produce, produceRequestBytes } from './produce.js';
import { DeniedRequest } from './security-interceptor.js';
import { MalformedRequest } from './strict-service.js';

type Call = ServerDuplexStream<ProduceRequest__Output, ProduceResponse>;

/**
 * ProduceStream: many produce requests over one bidirectional stream.
 *
 * Order: each request's appends are started synchronously when its message arrives (`produce()` calls
 * `append` before its first await, and a log assigns offsets at call time), and gRPC delivers a stream's
 * messages in order, so requests for one partition are appended in stream order however many are in
 * flight. Answers go back as each request completes, tagged with its request_id.
 *
 * Backpressure instead of refusal: when a stream holds `produceStreamInflightBytes`, or the broker holds
 * `maxInflightProduceBytes` in all, the broker stops reading the stream (`pause()`: HTTP/2 flow control then
 * stops the producer) and resumes when its requests complete. Refusing a request with TOO_MANY_REQUESTS here
 * would let a later request of the same partition overtake it when the producer retries.
 */
// biome-ignore lint/complexity/noExcessiveLinesPerFunction: one stream's state machine: the handler closure and its pause/resume state belong together, and a split would pass that state around
export function produceStream(
  ctx: ApiContext,
): handleBidiStreamingCall<ProduceRequest__Output, ProduceResponse> {
  // biome-ignore lint/complexity/noExcessiveLinesPerFunction: the same stream state machine (see produceStream)
  return (call: Call) => {
    const life = ctx.lifecycle;
    if (life.shuttingDown || life.produceStreams >= ctx.config.maxProduceStreams) {
      const err = life.shuttingDown
        ? new TributaryError('BROKER_SHUTTING_DOWN')
        : new TributaryError(
            'TOO_MANY_REQUESTS',
            `${life.produceStreams} produce streams open (maxProduceStreams)`,
          );
      ctx.metrics.requestErrors.inc({ method: 'ProduceStream', reason: err.reason });
      call.emit('error', toServiceError(err));
      return;
    }
    life.produceStreams++;
    let pending = 0;
    let pendingBytes = 0;
    let paused = false;
    let inputEnded = false;
    let finished = false;
    let malformed: TributaryError | undefined;
    let resolveDone!: () => void;
    life.track(
      new Promise<void>((resolve) => {
        resolveDone = resolve;
      }),
    );

    const finish = () => {
      if (finished || !inputEnded || pending > 0) return;
      finished = true;
      life.produceStreams--;
      life.signal.removeEventListener('abort', onShutdown);
      if (!call.cancelled && !call.destroyed) {
        if (life.shuttingDown) call.emit('error', toServiceError(new TributaryError('BROKER_SHUTTING_DOWN')));
        else if (malformed !== undefined) call.emit('error', toServiceError(malformed));
        else call.end();
      }
      resolveDone();
    };
    // On shutdown: stop taking requests, answer the ones in flight, then end the stream (retriable status).
    const onShutdown = () => {
      inputEnded = true;
      if (paused) call.resume();
      finish();
    };
    life.signal.addEventListener('abort', onShutdown, { once: true });

    call.on('data', (request: ProduceRequest__Output | MalformedRequest | DeniedRequest) => {
      if (inputEnded) return;
      if (request instanceof DeniedRequest) {
        // Refused by the ACLs (security-interceptor.ts): answered in band, the stream goes on.
        ctx.metrics.requestErrors.inc({ method: 'ProduceStream', reason: request.error.reason });
        if (!call.cancelled && !call.destroyed)
          call.write({ topics: [], request_id: request.requestId, error: toWireError(request.error) });
        return;
      }
      if (request instanceof MalformedRequest) {
        // Stop reading: the requests in flight are answered, then the stream fails with the reason.
        malformed = request.toError();
        ctx.metrics.requestErrors.inc({ method: 'ProduceStream', reason: malformed.reason });
        endInput();
        return;
      }
      const startNs = process.hrtime.bigint();
      const bytes = produceRequestBytes(request);
      pending++;
      pendingBytes += bytes;
      if (
        !paused &&
        (pendingBytes >= ctx.config.produceStreamInflightBytes ||
          life.inflightProduceBytes >= ctx.config.maxInflightProduceBytes)
      ) {
        paused = true;
        call.pause();
      }
      produce(ctx, request, { rejectOverLimit: false })
        .then(
          (response): ProduceResponse => {
            ctx.metrics.requestDuration.observe({ method: 'ProduceStream', code: 'OK' }, seconds(startNs));
            return { ...response, request_id: request.request_id };
          },
          (err: unknown): ProduceResponse => {
            const e = asTributaryError(err);
            ctx.metrics.requestDuration.observe(
              { method: 'ProduceStream', code: String(e.code) },
              seconds(startNs),
            );
            ctx.metrics.requestErrors.inc({ method: 'ProduceStream', reason: e.reason });
            return { topics: [], request_id: request.request_id, error: toWireError(e) };
          },
        )
        .then((response) => {
          if (!call.cancelled && !call.destroyed) call.write(response);
          pending--;
          pendingBytes -= bytes;
          if (paused && pendingBytes < ctx.config.produceStreamInflightBytes / 2) {
            paused = false;
            call.resume();
          }
          finish();
        });
    });
    const endInput = () => {
      inputEnded = true;
      finish();
    };
    call.on('end', endInput);
    call.on('cancelled', endInput);
    call.on('error', endInput);
  };
}

function seconds(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}
