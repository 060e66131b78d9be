/**
 * A dependency-free progress bar on stderr for long bench runs: `\r`-redrawn, with percent, rate and ETA.
 * It draws only when stderr is a TTY (so logs and CI output stay clean), at most every `everyMs`.
 */
export interface Progress {
  /**
   * `done` of `total` units (records, or elapsed ms for a run bounded by duration); the rate is `count`
   * per second (default: `done`).
   */
  update(done: number, total: number, count?: number): void;
  /** Clears the line. */
  done(): void;
}

export interface ProgressOptions {
  label: string;
  /** Unit of the rate, e.g. "rec/s". */
  unit?: string;
  stream?: NodeJS.WriteStream;
  everyMs?: number;
  /** Draw even when the stream is not a TTY (tests). */
  force?: boolean;
  now?: () => number;
}

/** One rendered bar line (pure, for tests). */
export function renderBar(
  label: string,
  done: number,
  total: number,
  elapsedS: number,
  rate: number,
  unit: string,
  width = 24,
): string {
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(frac * width);
  const eta = frac > 0 && frac < 1 ? (elapsedS * (1 - frac)) / frac : 0;
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${formatRate(rate)} ${unit} ETA ${formatDuration(eta)}`;
}

function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return '-';
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate.toFixed(0);
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function progressBar(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const enabled = opts.force === true || stream.isTTY === true;
  const now = opts.now ?? (() => performance.now());
  const start = now();
  let last = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(done, total, count = done) {
      if (!enabled) return;
      const t = now();
      if (t - last < (opts.everyMs ?? 200) && done < total) return;
      last = t;
      const elapsedS = (t - start) / 1000;
      const rate = elapsedS > 0 ? count / elapsedS : Number.NaN;
      stream.write(`\r${renderBar(opts.label, done, total, elapsedS, rate, opts.unit ?? 'rec/s')}\x1b[K`);
      drawn = true;
    },
    done() {
      if (enabled && drawn) stream.write('\r\x1b[K');
    },
  };
}
