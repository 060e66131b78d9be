/**
 * The client's logger: a minimal interface that any logging library fits, with a no-op default so a
 * client that was given none stays silent. Failures the client handles itself (an auto-commit that
 * failed, a stream that reconnects) are logged here and emitted as events (see events.ts), never
 * swallowed.
 *
 * pino takes its arguments the other way round (fields first); `pinoLogger(pino())` adapts one.
 */
export type LogFields = Readonly<{ [key: string]: unknown }>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const noop = (): void => {};

/** The default: logs nothing. */
export const NOOP_LOGGER: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** The part of a pino logger the adapter uses (structural: no dependency on pino's types). */
export interface PinoLike {
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

/** Adapts a pino (or pino-compatible) logger to the client's `Logger`. */
export function pinoLogger(pino: PinoLike): Logger {
  return {
    debug: (msg, fields) => pino.debug(fields ?? {}, msg),
    info: (msg, fields) => pino.info(fields ?? {}, msg),
    warn: (msg, fields) => pino.warn(fields ?? {}, msg),
    error: (msg, fields) => pino.error(fields ?? {}, msg),
  };
}
