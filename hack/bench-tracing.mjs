#!/usr/bin/env node
// Tracing's cost (docs/benchmarks.md, "Tracing overhead"): the SDK producer (and, with --workloads, the
// SDK consumer) with tracing off, on with 1% sampling and on with every trace sampled, and optionally a
// build without tracing, one bench round each, taking turns, so load drifting on a shared machine hits
// every mode alike. Medians over rounds and their ratios to "off" go to --json.
//
//   node hack/bench-tracing.mjs [--rounds 5] [--records 400000] [--record-bytes 100]
//     [--workloads produce,consume] [--base <dir of a built tree without tracing>] [--json <file>]
//
// "on" means what an application does: the bench process starts the OpenTelemetry SDK from OTEL_*
// (bench/main.ts) and so does the broker it starts; spans go over OTLP/HTTP to a real collector
// (hack/otelcol.sh) that writes them to a temporary file. "context only" is "off" with just the SDK's
// context manager registered and in use (what every traced application carries; on Node.js 20 it is
// AsyncLocalStorage on promise hooks), to tell its cost from Tributary's. Build first (`npx tsc -p
// tsconfig.json`).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    records: { type: 'string', default: '400000' },
    'record-bytes': { type: 'string', default: '100' },
    workloads: { type: 'string', default: 'produce' },
    base: { type: 'string' },
    json: { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const workloads = values.workloads.split(',');
if (!(rounds >= 1 && rounds <= 50)) throw new Error('--rounds must be 1..50');

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function startCollector(dir) {
  const bin = execFileSync('bash', [join(ROOT, 'hack/otelcol.sh')], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1);
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const config = join(dir, 'otelcol.yaml');
  writeFileSync(
    config,
    [
      'receivers:',
      '  otlp:',
      '    protocols:',
      `      grpc: { endpoint: "127.0.0.1:${grpcPort}" }`,
      `      http: { endpoint: "127.0.0.1:${httpPort}" }`,
      'exporters:',
      `  file: { path: "${join(dir, 'traces.jsonl')}", flush_interval: 1s }`,
      'service:',
      '  telemetry: { metrics: { level: none }, logs: { level: warn } }',
      '  pipelines: { traces: { receivers: [otlp], exporters: [file] } }',
      '',
    ].join('\n'),
  );
  const child = spawn(bin, ['--config', `file:${config}`], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${httpPort}`;
  for (let i = 0; i < 300; i++) {
    const up = await fetch(`${endpoint}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { endpoint, stop: () => child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the collector did not start');
}

const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-tracing-'));
const collector = await startCollector(dir);
const contextOnly = join(dir, 'context-only.mjs');
writeFileSync(
  contextOnly,
  [
    `import { context } from ${JSON.stringify(join(ROOT, 'node_modules/@opentelemetry/api/build/src/index.js'))};`,
    `import { AsyncLocalStorageContextManager } from ${JSON.stringify(join(ROOT, 'node_modules/@opentelemetry/context-async-hooks/build/src/index.js'))};`,
    'context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());',
    '// As the SDK does when it exports: a context.with() turns AsyncLocalStorage on.',
    'context.with(context.active(), () => {});',
    '',
  ].join('\n'),
);
const on = (ratio) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
  OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
  OTEL_TRACES_SAMPLER_ARG: String(ratio),
});
const modes = [
  ...(values.base === undefined ? [] : [{ name: 'base', root: resolve(values.base), env: {} }]),
  { name: 'off', root: ROOT, env: {} },
  { name: 'context only', root: ROOT, env: {}, nodeArgs: ['--import', contextOnly] },
  { name: 'on-1%', root: ROOT, env: on(0.01) },
  { name: 'on-100%', root: ROOT, env: on(1) },
];
const args = (workload, out) => [
  'bench',
  workload,
  '--rounds',
  '1',
  '--record-bytes',
  values['record-bytes'],
  '--records',
  values.records,
  '--json',
  out,
  ...(workload === 'produce' ? ['--no-baseline'] : []),
];
const results = {};
try {
  for (let round = 0; round < rounds; round++) {
    for (const workload of workloads) {
      // Each round starts with the next mode, so no mode always runs first (or last) after a pause.
      for (let k = 0; k < modes.length; k++) {
        const mode = modes[(round + k) % modes.length];
        const out = join(dir, 'round.json');
        // The bench and the broker it starts inherit OTEL_* from here; nothing else of the caller's.
        const env = { ...process.env, ...mode.env };
        if (mode.env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined) {
          for (const key of Object.keys(env)) if (key.startsWith('OTEL_')) delete env[key];
        }
        const nodeArgs = mode.nodeArgs ?? [];
        execFileSync(
          process.execPath,
          [...nodeArgs, join(mode.root, 'dist/bench/main.js'), ...args(workload, out)],
          {
            env,
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        );
        const row = JSON.parse(readFileSync(out, 'utf8')).rounds[0].row;
        const key = `${workload} ${mode.name}`;
        results[key] ??= [];
        results[key].push({ round: round + 1, ...row });
        console.log(`round ${round + 1} ${key}: ${Math.round(row['records/s'])} records/s`);
      }
    }
  }
} finally {
  collector.stop();
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const summary = {};
for (const workload of workloads) {
  const offRate = median(results[`${workload} off`].map((r) => r['records/s']));
  for (const mode of modes) {
    const rows = results[`${workload} ${mode.name}`];
    const rate = median(rows.map((r) => r['records/s']));
    summary[`${workload} ${mode.name}`] = {
      'records/s': Math.round(rate),
      'records/s per round': rows.map((r) => Math.round(r['records/s'])),
      'ratio to off': Number((rate / offRate).toFixed(3)),
      ...(rows[0]['client CPU s'] === undefined
        ? {}
        : {
            'client CPU us/record': Number(
              median(rows.map((r) => (r['client CPU s'] * 1e6) / Number(values.records))).toFixed(2),
            ),
          }),
      ...(rows[0]['broker CPU s'] === undefined
        ? {}
        : { 'broker CPU s': median(rows.map((r) => r['broker CPU s'])) }),
      ...(rows[0]['p50 ms'] === undefined
        ? {}
        : { 'p50 ms': Number(median(rows.map((r) => r['p50 ms'])).toFixed(2)) }),
    };
  }
}
console.table(summary);
if (values.json !== undefined) {
  writeFileSync(
    values.json,
    `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), command: process.argv.slice(1).join(' '), options: values, summary, rounds: results }, null, 1)}\n`,
  );
}
