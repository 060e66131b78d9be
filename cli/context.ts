/** What a command runs against: the I/O streams and a client built from the global options. */
import type { Command } from 'commander';
import { Tributary } from '../client/index.js';
import { type AuthOptionValues, clientAuthOf } from './auth-options.js';
import { UsageError } from './output.js';
import { clientTlsOf, type TlsOptionValues } from './tls-options.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9292';

/** Runs `fn` with a client for `--bootstrap`, closing it afterwards. */
export async function withClient<T>(command: Command, fn: (tributary: Tributary) => Promise<T>): Promise<T> {
  const opts = command.optsWithGlobals<{ bootstrap: string } & AuthOptionValues & TlsOptionValues>();
  let tributary: Tributary;
  try {
    const tls = clientTlsOf(opts);
    tributary = new Tributary({
      bootstrap: opts.bootstrap,
      ...clientAuthOf(opts),
      ...(tls === undefined ? {} : { tls }),
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  try {
    return await fn(tributary);
  } finally {
    tributary.close();
  }
}
