/**
 * Services whose request bodies are checked before any handler runs, and refused with a reason.
 *
 * grpc-js decodes a request before it calls the handler, and a decoder that throws makes it answer
 * INTERNAL "Error deserializing request" with no reason: a client error reported as a server fault.
 * So each method's `requestDeserialize` is wrapped: the body is checked against the message's descriptor
 * (wire-check.ts), then decoded; if either fails, the "request" handed to the handler is a
 * `MalformedRequest`, and the wrapped unary and server-streaming handlers answer it with
 * INVALID_ARGUMENT / MALFORMED_REQUEST before the real handler sees it. Streams from the client
 * (ProduceStream) get the marker as one of their messages and check each (`instanceof MalformedRequest`).
 *
 * A call that must carry exactly one message (unary, server-streaming) but ends with none (no body, or a
 * gRPC frame whose length prefix promised more than was sent) or sends a second one would get
 * UNIMPLEMENTED from grpc-js; `oneRequestMessage` answers those MALFORMED_REQUEST too.
 */
import {
  type handleServerStreamingCall,
  type handleUnaryCall,
  type MethodDefinition,
  type Server,
  ServerInterceptingCall,
  type ServerInterceptor,
  ServerListenerBuilder,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type StatusObject,
  type sendUnaryData,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { TributaryError } from '../../proto/errors.js';
import { toServiceError } from './errors.js';
import type { WireChecker } from './wire-check.js';

/** What a method's decoder hands on instead of a request it could not decode. */
export class MalformedRequest {
  constructor(
    readonly messageName: string,
    readonly problem: string,
  ) {}

  toError(): TributaryError {
    return new TributaryError(
      'MALFORMED_REQUEST',
      `the request body is not a valid ${this.messageName}: ${this.problem}`,
    );
  }
}

/** Called for every refused body, e.g. to count it. */
export type OnMalformed = (method: string, error: TributaryError) => void;

interface DescribedMethod extends MethodDefinition<unknown, unknown> {
  readonly requestType?: { readonly type?: { readonly name?: string } };
}

/** The full message name of a method's request: its package (from the path) and the descriptor's name. */
function requestMessageName(method: DescribedMethod): string {
  const service = method.path.slice(1, method.path.lastIndexOf('/'));
  const pkg = service.slice(0, service.lastIndexOf('.'));
  const name = method.requestType?.type?.name;
  return name === undefined ? `${service} request` : `${pkg}.${name}`;
}

/** The service with each method's request decoder made total: it returns a MalformedRequest, never throws. */
function strictDecoding(service: ServiceDefinition, checker: WireChecker): ServiceDefinition {
  const out: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(service) as [string, DescribedMethod][]) {
    const messageName = requestMessageName(method);
    if (method.requestType !== undefined) checker.learn(messageName, method.requestType);
    const decode = method.requestDeserialize;
    out[name] = {
      ...method,
      requestDeserialize: (body: Buffer): unknown => {
        try {
          checker.check(body, messageName);
          return decode(body);
        } catch (err) {
          return new MalformedRequest(messageName, err instanceof Error ? err.message : String(err));
        }
      },
    };
  }
  return out as ServiceDefinition;
}

/** Wraps one handler so that a MalformedRequest is answered before it reaches the handler. */
function refuseMalformed(
  methodName: string,
  method: MethodDefinition<unknown, unknown>,
  handler: UntypedHandleCall,
  onMalformed: OnMalformed,
): UntypedHandleCall {
  if (method.requestStream) return handler; // The handler checks each message for the marker.
  if (method.responseStream) {
    const stream = handler as handleServerStreamingCall<unknown, unknown>;
    return ((call: ServerWritableStream<unknown, unknown>) => {
      if (!(call.request instanceof MalformedRequest)) return stream(call);
      const err = call.request.toError();
      onMalformed(methodName, err);
      call.emit('error', toServiceError(err));
    }) as UntypedHandleCall;
  }
  const unary = handler as handleUnaryCall<unknown, unknown>;
  return ((call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
    if (!(call.request instanceof MalformedRequest)) return unary(call, callback);
    const err = call.request.toError();
    onMalformed(methodName, err);
    callback(toServiceError(err));
  }) as UntypedHandleCall;
}

/**
 * `server.addService` with strict decoding and MALFORMED_REQUEST answers. Handlers are looked up as grpc-js
 * does (by method name, then by its original name, as grpc-health-check names them).
 */
export function addStrictService(
  server: Pick<Server, 'addService'>,
  service: ServiceDefinition,
  implementation: UntypedServiceImplementation,
  checker: WireChecker,
  onMalformed: OnMalformed,
): void {
  const strict = strictDecoding(service, checker);
  const handlers: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(strict)) {
    const original = (method as { originalName?: string }).originalName;
    const handler = implementation[name] ?? (original === undefined ? undefined : implementation[original]);
    if (handler === undefined) continue; // grpc-js answers UNIMPLEMENTED, as it would have.
    handlers[name] = refuseMalformed(name, method, handler, onMalformed);
  }
  server.addService(strict, handlers);
}

/**
 * A server interceptor for calls that take exactly one request message: none (the stream ended first,
 * perhaps inside a truncated frame) or a second one is MALFORMED_REQUEST, not grpc-js's UNIMPLEMENTED.
 */
export function oneRequestMessage(onMalformed: OnMalformed): ServerInterceptor {
  return (method, call) => {
    if (method.requestStream) return new ServerInterceptingCall(call);
    let messages = 0;
    let refused = false;
    const refuse = (problem: string) => {
      refused = true;
      const err = new TributaryError(
        'MALFORMED_REQUEST',
        `${method.path} takes one request message: ${problem}`,
      );
      onMalformed(method.path.slice(method.path.lastIndexOf('/') + 1), err);
      call.sendStatus(toServiceError(err) as StatusObject);
    };
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next(
          new ServerListenerBuilder()
            .withOnReceiveMessage((message, nextMessage) => {
              messages++;
              if (messages === 1) nextMessage(message);
              else if (!refused) refuse('a second one arrived');
            })
            .withOnReceiveHalfClose((nextHalfClose) => {
              if (refused) return;
              if (messages === 0) refuse('the call ended before a whole message arrived');
              else nextHalfClose();
            })
            .build(),
        ),
    });
  };
}
