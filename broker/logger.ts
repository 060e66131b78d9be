import { pino } from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs on stdout, one object per line. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { component: 'broker', ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
