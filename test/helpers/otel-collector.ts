/**
 * A real OpenTelemetry Collector for the tracing tests: the build hack/otelcol.sh makes (the `otlp`
 * receiver and the contrib `file` exporter), listening on 127.0.0.1 and writing every span it receives as
 * OTLP JSON lines to a file the test reads.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './broker-process.js';
import { freePorts } from './etcd.js';

const STARTUP_MS_MAX = 30_000;
const STOP_MS_MAX = 10_000;

/** One span as the collector wrote it (ids in hex, as OTLP JSON has them). */
export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP's numbering: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  links: Array<{ traceId: string; spanId: string }>;
}

export interface OtelCollector {
  /** The OTLP/HTTP endpoint, for OTEL_EXPORTER_OTLP_ENDPOINT (`http://127.0.0.1:<port>`). */
  readonly httpEndpoint: string;
  /** Every span written so far. */
  spans(): CollectedSpan[];
  stop(): Promise<void>;
}

/** The collector binary: $TRIBUTARY_OTELCOL_BIN, or the one hack/otelcol.sh builds into .cache/otelcol. */
export function otelcolBinary(): string {
  const fromEnv = process.env['TRIBUTARY_OTELCOL_BIN'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const out = execFileSync('bash', [join(REPO_ROOT, 'hack/otelcol.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = out.trim().split('\n').at(-1);
  if (path === undefined || path === '') throw new Error('hack/otelcol.sh printed no path');
  return path;
}

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};

function anyValue(v: AnyValue): string | number | boolean {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue ?? '';
}

function attributesOf(
  list: Array<{ key: string; value: AnyValue }> | undefined,
): CollectedSpan['attributes'] {
  return Object.fromEntries((list ?? []).map((a) => [a.key, anyValue(a.value)]));
}

/**
 * Parses the file exporter's output: one OTLP JSON ExportTraceServiceRequest per line. A last line without
 * its newline is being written: it is left for the next read.
 */
export function parseOtlpJsonLines(text: string): CollectedSpan[] {
  const spans: CollectedSpan[] = [];
  const lines = text.split('\n');
  lines.pop();
  for (const line of lines) {
    if (line.trim() === '') continue;
    const request = JSON.parse(line) as {
      resourceSpans?: Array<{
        resource?: { attributes?: Array<{ key: string; value: AnyValue }> };
        scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }>;
      }>;
    };
    for (const rs of request.resourceSpans ?? []) {
      const service = String(attributesOf(rs.resource?.attributes)['service.name'] ?? '');
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          spans.push({
            service,
            traceId: String(s.traceId ?? ''),
            spanId: String(s.spanId ?? ''),
            parentSpanId: String(s.parentSpanId ?? ''),
            name: String(s.name ?? ''),
            kind: Number(s.kind ?? 0),
            attributes: attributesOf(s.attributes as Array<{ key: string; value: AnyValue }> | undefined),
            links: ((s.links as Array<{ traceId: string; spanId: string }> | undefined) ?? []).map((l) => ({
              traceId: l.traceId,
              spanId: l.spanId,
            })),
          });
        }
      }
    }
  }
  return spans;
}

async function waitForPort(child: ChildProcess, port: number, log: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_MS_MAX;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the collector exited (${child.exitCode}):\n${log()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the collector did not listen on ${port} within ${STARTUP_MS_MAX} ms:\n${log()}`);
}

/** Starts a collector on free 127.0.0.1 ports; resolves once its OTLP/HTTP receiver answers. */
export async function startOtelCollector(): Promise<OtelCollector> {
  const binary = otelcolBinary();
  const dir = mkdtempSync(join(tmpdir(), 'tributary-otelcol-'));
  const out = join(dir, 'traces.jsonl');
  const [grpcPort, httpPort] = (await freePorts(2)) as [number, number];
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'receivers:',
      '  otlp:',
      '    protocols:',
      `      grpc: { endpoint: "127.0.0.1:${grpcPort}" }`,
      `      http: { endpoint: "127.0.0.1:${httpPort}" }`,
      'exporters:',
      `  file: { path: "${out}", flush_interval: 100ms }`,
      'service:',
      '  telemetry:',
      '    metrics: { level: none }',
      '    logs: { level: warn }',
      '  pipelines:',
      '    traces: { receivers: [otlp], exporters: [file] }',
      '',
    ].join('\n'),
  );
  let log = '';
  const child = spawn(binary, ['--config', `file:${config}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_MS_MAX);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(child, httpPort, () => log);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    httpEndpoint: `http://127.0.0.1:${httpPort}`,
    spans: () => (existsSync(out) ? parseOtlpJsonLines(readFileSync(out, 'utf8')) : []),
    stop,
  };
}
