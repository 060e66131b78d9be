import { type ClientHttp2Session, type ClientHttp2Stream, connect, constants } from 'node:http2';

/**
 * gRPC over a bare HTTP/2 session, for tests that must control what a gRPC library would hide: the
 * flow-control windows the client advertises, how much it reads, and how it goes away (an RST_STREAM
 * CANCEL for one call, or the whole connection dropped without a word).
 */
export interface RawHttp2Call {
  readonly stream: ClientHttp2Stream;
  /** Resolves with the first `count` gRPC messages' bodies (framing removed) once they have arrived. */
  messages(count: number): Promise<Buffer[]>;
  /** Stops reading: HTTP/2 flow control then stops the server once the window is spent. */
  pause(): void;
  /** RST_STREAM(CANCEL): what a gRPC client sends when its caller cancels. */
  cancel(): void;
  /** Resolves with the response's trailers (or the headers of a trailers-only answer) once it ends. */
  trailers(): Promise<Record<string, string>>;
}

export interface RawHttp2Session {
  readonly session: ClientHttp2Session;
  /** Starts `path` with `body` as its only request message (server-streaming or unary). */
  start(path: string, body: Buffer): RawHttp2Call;
  /** Starts `path` and sends `bytes` as the whole request stream, framing included, as they are. */
  startFramed(path: string, bytes: Buffer): RawHttp2Call;
  /** Destroys the session: the server sees the connection drop with every stream still open. */
  drop(): void;
}

/** One gRPC message on the wire: a flag byte (0: not compressed), a 4-byte big-endian length, the body. */
export function grpcFrame(body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/**
 * Opens an HTTP/2 session to `address` (host:port) advertising `windowBytes` as both the stream and the
 * connection receive window, so a server-streaming call blocks on flow control after that many bytes.
 */
export async function rawHttp2Session(address: string, windowBytes = 65_535): Promise<RawHttp2Session> {
  const session = connect(`http://${address}`, { settings: { initialWindowSize: windowBytes } });
  session.on('error', () => undefined); // A dropped session errors; the tests look at the broker instead.
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  const startFramed = (path: string, bytes: Buffer): RawHttp2Call => {
    const stream = session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: path,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      [constants.HTTP2_HEADER_TE]: 'trailers',
    });
    stream.on('error', () => undefined);
    const ended = new Promise<Record<string, string>>((resolve) => {
      let last: Record<string, string> = {};
      const keep = (h: Record<string, unknown>) => {
        last = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
      };
      stream.on('response', keep);
      stream.on('trailers', keep);
      stream.on('close', () => resolve(last));
    });
    stream.end(bytes);
    let pending = Buffer.alloc(0);
    const bodies: Buffer[] = [];
    const waiters: Array<() => void> = [];
    stream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
        const length = pending.readUInt32BE(1);
        bodies.push(pending.subarray(5, 5 + length));
        pending = pending.subarray(5 + length);
      }
      for (const w of waiters.splice(0)) w();
    });
    return {
      stream,
      messages: (count) =>
        new Promise<Buffer[]>((resolve, reject) => {
          const check = () => {
            if (bodies.length >= count) resolve(bodies.slice(0, count));
            else if (stream.closed) reject(new Error(`stream closed after ${bodies.length} messages`));
            else waiters.push(check);
          };
          stream.once('close', check);
          check();
        }),
      pause: () => stream.pause(),
      cancel: () => stream.close(constants.NGHTTP2_CANCEL),
      trailers: () => {
        stream.resume();
        return ended;
      },
    };
  };
  return {
    session,
    start: (path, body) => startFramed(path, grpcFrame(body)),
    startFramed,
    drop() {
      session.destroy(); // Closes the socket at once: no GOAWAY, no RST_STREAM for the open streams.
    },
  };
}
