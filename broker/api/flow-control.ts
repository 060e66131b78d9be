import type { Http2Server, Http2Session } from 'node:http2';
import type { Writable } from 'node:stream';
import type { Server } from '@grpc/grpc-js';

/**
 * Raises the HTTP/2 flow-control windows of a grpc-js server.
 *
 * Why: with HTTP/2's default 64 KiB windows a producer can have only 64 KiB in flight per stream before it
 * waits a round trip for WINDOW_UPDATE; grpc-js then moves a fraction of what the socket can
 * (docs/benchmarks.md has the measurements). grpc-js 1.14 has no server option for this, so we reach two
 * of its internals: the settings it passes to `http2.createServer` (for the per-stream initial window),
 * and its map of http2 servers (to raise each new session's connection window). Both are checked here, so
 * a grpc-js upgrade that moves them fails loudly at start instead of silently running slow.
 */
interface GrpcServerInternals {
  commonServerOptions?: { settings?: Record<string, unknown> };
  http2Servers?: Map<Http2Server, unknown>;
}

/** Call before bindAsync: every session will advertise `streamWindowBytes` as its initial stream window. */
export function raiseStreamWindow(server: Server, streamWindowBytes: number): void {
  const internals = server as unknown as GrpcServerInternals;
  if (internals.commonServerOptions === undefined) {
    throw new Error(
      'grpc-js internals changed: Server.commonServerOptions is missing (see broker/api/flow-control.ts)',
    );
  }
  internals.commonServerOptions.settings = {
    ...internals.commonServerOptions.settings,
    initialWindowSize: streamWindowBytes,
    maxFrameSize: 1024 * 1024 - 1,
  };
}

/** Call after bindAsync: every new session's connection-level receive window becomes `connectionWindowBytes`. */
export function raiseConnectionWindow(server: Server, connectionWindowBytes: number): void {
  const internals = server as unknown as GrpcServerInternals;
  if (!(internals.http2Servers instanceof Map) || internals.http2Servers.size === 0) {
    throw new Error(
      'grpc-js internals changed: Server.http2Servers is missing (see broker/api/flow-control.ts)',
    );
  }
  for (const http2Server of internals.http2Servers.keys()) {
    http2Server.on('session', (session: Http2Session) => {
      try {
        session.setLocalWindowSize(connectionWindowBytes);
      } catch {
        // The session closed before we got to it; nothing to raise.
      }
    });
  }
}

/**
 * Resolves once `stream` can take more (its 'drain'), or at once when it never will: `signal` aborted, or
 * the stream was destroyed, closed or failed. The listeners go either way.
 *
 * Why the second half matters: a stream the client cancelled or dropped is destroyed by grpc-js, a write
 * to it returns false, and 'drain' never comes. A wait that listened only for 'drain' and for an abort that
 * had already happened (the cancel landed while the handler was reading the log) would hang for good, with
 * its subscription slot and the broker's shutdown behind it.
 */
export function drained(stream: Writable, signal: AbortSignal): Promise<void> {
  if (signal.aborted || stream.destroyed || stream.closed || !stream.writableNeedDrain) {
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    stream.once('drain', done);
    stream.once('close', done);
    stream.once('error', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
