import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect, type JetStreamClient, type NatsConnection, RetentionPolicy, StorageType } from 'nats';
import { throughput } from '../stats.js';
import {
  freePort,
  repoRoot,
  runScript,
  stopPid,
  summarizeLatencies,
  trackPid,
  type WorkloadResult,
} from './common.js';

/**
 * NATS JetStream as a benchmark peer: Debian's nats-server started by `hack/peers/nats.sh` on 127.0.0.1
 * with a file store, driven from this process with the `nats` client (v2): async publishes with a window
 * (each acknowledged by JetStream once stored), and an ordered consumer for catch-up reads.
 */
export interface NatsPeer {
  readonly url: string;
  readonly pid: number;
  readonly storeDir: string;
  stop(): Promise<void>;
}

function script(): string {
  return join(repoRoot(), 'hack', 'peers', 'nats.sh');
}

export async function installNats(): Promise<void> {
  await runScript(script(), ['install'], 600_000);
}

export async function startNats(): Promise<NatsPeer> {
  const storeDir = mkdtempSync(join(tmpdir(), 'tributary-peer-nats-'));
  const port = await freePort();
  const out = await runScript(script(), ['start', storeDir, String(port)], 60_000);
  const pid = Number(out.split('\n').pop());
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`nats.sh start printed no pid: ${out}`);
  trackPid(pid);
  return {
    url: `127.0.0.1:${port}`,
    pid,
    storeDir,
    stop: async () => {
      await stopPid(pid, 10_000);
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/** A connection plus a file-backed, single-subject stream named `stream`. */
export async function openNatsStream(
  peer: NatsPeer,
  stream: string,
): Promise<{ nc: NatsConnection; js: JetStreamClient; subject: string }> {
  const nc = await connect({ servers: peer.url, name: 'tributary-bench', maxReconnectAttempts: 0 });
  const jsm = await nc.jetstreamManager();
  const subject = `${stream}.data`;
  await jsm.streams.add({
    name: stream,
    subjects: [subject],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    num_replicas: 1,
  });
  return { nc, js: nc.jetstream({ timeout: 60_000 }), subject };
}

export interface NatsProduceOptions {
  stream: string;
  records: number;
  recordBytes: number;
  /** Publishes awaiting their JetStream ack at once. */
  window: number;
  /** Records per second, or undefined for as fast as the window allows. */
  rate?: number;
  timeoutMs: number;
}

/**
 * Publishes `records` messages of `recordBytes` random bytes. Latency per publish is from its send (at a
 * fixed rate: from its scheduled time, so a backlog counts) to JetStream's ack.
 */
export async function runNatsProduce(peer: NatsPeer, o: NatsProduceOptions): Promise<WorkloadResult> {
  const { nc, js, subject } = await openNatsStream(peer, o.stream);
  try {
    const pool = randomBytes(o.recordBytes * 64);
    const payloads = Array.from({ length: 64 }, (_, i) =>
      pool.subarray(i * o.recordBytes, (i + 1) * o.recordBytes),
    );
    const latencies: number[] = [];
    const start = performance.now();
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      let done = 0;
      let timer: NodeJS.Timeout | undefined;
      const deadline = setTimeout(
        () => reject(new Error(`NATS produce did not finish in ${o.timeoutMs} ms (${done} acked)`)),
        o.timeoutMs,
      );
      const pump = () => {
        const now = performance.now();
        while (sent < o.records && sent - done < o.window) {
          const due = o.rate === undefined ? now : start + (sent * 1000) / o.rate;
          if (due > now) {
            if (timer === undefined) {
              timer = setTimeout(
                () => {
                  timer = undefined;
                  pump();
                },
                Math.max(0, due - now),
              );
            }
            return;
          }
          const i = sent++;
          const t0 = o.rate === undefined ? performance.now() : due;
          js.publish(subject, payloads[i % payloads.length]).then(
            () => {
              latencies.push(performance.now() - t0);
              done++;
              if (done === o.records) {
                clearTimeout(deadline);
                resolve();
              } else pump();
            },
            (err: unknown) => {
              clearTimeout(deadline);
              reject(err);
            },
          );
        }
      };
      pump();
    });
    const seconds = (performance.now() - start) / 1000;
    const bytes = o.records * o.recordBytes;
    return {
      ...throughput(o.records, bytes, seconds),
      latencyMs: summarizeLatencies(latencies),
    };
  } finally {
    await nc.close();
  }
}

/** Reads the whole stream from the start with an ordered (pull) consumer: catch-up consume. */
export async function runNatsConsume(
  peer: NatsPeer,
  o: { stream: string; records: number; recordBytes: number; timeoutMs: number },
): Promise<WorkloadResult> {
  const nc = await connect({ servers: peer.url, name: 'tributary-bench-consume', maxReconnectAttempts: 0 });
  try {
    const js = nc.jetstream();
    const consumer = await js.consumers.get(o.stream);
    const start = performance.now();
    let count = 0;
    let bytes = 0;
    const messages = await consumer.consume({ max_messages: 4096 });
    const deadline = setTimeout(() => messages.stop(), o.timeoutMs);
    for await (const m of messages) {
      bytes += m.data.length;
      if (++count >= o.records) break;
    }
    clearTimeout(deadline);
    const seconds = (performance.now() - start) / 1000;
    if (count < o.records) throw new Error(`NATS consume read ${count} of ${o.records} in ${o.timeoutMs} ms`);
    return throughput(count, bytes, seconds);
  } finally {
    await nc.close();
  }
}
