/** Reads a broker's /metrics (Prometheus text format) into samples a test can filter and sum. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition (comments skipped; label values unescaped). */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  const line = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
  const label = /(\w+)="((?:[^"\\]|\\.)*)"/g;
  for (const raw of text.split('\n')) {
    if (raw.startsWith('#') || raw.trim() === '') continue;
    const m = line.exec(raw);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(label)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** The metrics URL a broker printed in its "broker listening" log line. */
export function metricsUrlOf(output: string): string {
  const line = output.split('\n').find((l) => l.includes('"msg":"broker listening"'));
  const url = line === undefined ? null : /"metrics":"([^"]+)"/.exec(line);
  if (url === null) throw new Error('the broker logged no metrics URL');
  return url[1]!;
}

/** Samples of every URL, each tagged with the URL's index as label `instance`. */
export async function scrapeAll(urls: string[]): Promise<Sample[]> {
  const texts = await Promise.all(
    urls.map((u) =>
      fetch(u).then(
        (r) => r.text(),
        () => '',
      ),
    ),
  );
  return texts.flatMap((t, i) =>
    parsePrometheusText(t).map((s) => ({ ...s, labels: { ...s.labels, instance: String(i) } })),
  );
}

/** Samples named `name` whose labels include `match`. */
export function select(samples: Sample[], name: string, match: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

export function sum(samples: Sample[]): number {
  return samples.reduce((n, s) => n + s.value, 0);
}
