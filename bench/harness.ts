import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelOptions } from '@grpc/grpc-js';
import { type BrokerProcess, spawnBroker } from '../cli/cluster/broker-process.js';
import { installCleanupHandlers, sampleProcess, sleep, trackPid, untrackPid } from './peers/common.js';
import { processUsage } from './stats.js';

/** HTTP/2's default flow-control window (RFC 9113), used by `--windows default` on both sides. */
export const HTTP2_DEFAULT_WINDOW = 65_535;

export type WindowsMode = 'raised' | 'default';

/** Broker flags for a windows mode: `default` forces HTTP/2's 64 KiB windows (raised is the broker default). */
export function brokerWindowArgs(windows: WindowsMode): string[] {
  return windows === 'default'
    ? [
        '--set',
        `http2StreamWindowBytes=${HTTP2_DEFAULT_WINDOW}`,
        '--set',
        `http2ConnectionWindowBytes=${HTTP2_DEFAULT_WINDOW}`,
      ]
    : [];
}

/** Client channel options for a windows mode (passed to `new Tributary({ bootstrap, channelOptions })`). */
export function clientChannelOptions(windows: WindowsMode): ChannelOptions {
  return windows === 'default' ? { 'grpc-node.flow_control_window': HTTP2_DEFAULT_WINDOW } : {};
}

/** Resource use of a broker the bench started, from /proc. */
export interface BrokerResources {
  /** RSS 1 s after the broker started listening, before any work. */
  idleRssBytes?: number | undefined;
  /** Highest RSS sampled (every 200 ms) during the measured workload. */
  peakRssBytes?: number | undefined;
  /** CPU seconds (user + system) the broker used during the measured workload. */
  cpuSeconds?: number | undefined;
}

export interface BenchBroker {
  readonly address: string;
  /** Undefined for a broker the bench did not start (`--target`). */
  readonly pid: number | undefined;
  readonly idleRssBytes: number | undefined;
  /** Runs `fn` while sampling the broker's CPU and RSS; resources are undefined for a --target broker. */
  measure<T>(fn: () => Promise<T>): Promise<{ value: T; resources: BrokerResources }>;
  stop(): Promise<void>;
}

export interface BenchBrokerOptions {
  /** Use a running broker instead of starting one. */
  target?: string | undefined;
  windows?: WindowsMode;
  /** Extra node flags for a broker the bench starts, e.g. ['--cpu-prof', '--cpu-prof-dir=prof']. */
  nodeArgs?: string[] | undefined;
  /** Extra `broker start` flags. */
  args?: string[];
}

/** One round on a broker of its own (startBenchBroker), stopped when `run` settles. */
export async function withBenchBroker<T>(
  opts: BenchBrokerOptions,
  run: (broker: BenchBroker) => Promise<T>,
): Promise<T> {
  const broker = await startBenchBroker(opts);
  try {
    return await run(broker);
  } finally {
    await broker.stop();
  }
}

/**
 * A fresh broker for one round (temp data dir, metrics off, tracked so Ctrl-C or a crash of the bench
 * kills it by pid), or a handle on `--target`.
 */
export async function startBenchBroker(opts: BenchBrokerOptions): Promise<BenchBroker> {
  installCleanupHandlers();
  if (opts.target !== undefined) {
    return {
      address: opts.target,
      pid: undefined,
      idleRssBytes: undefined,
      measure: async (fn) => ({ value: await fn(), resources: {} }),
      stop: async () => {},
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  let broker: BrokerProcess;
  try {
    broker = await spawnBroker({
      dataDir,
      args: ['--metrics-port', '-1', ...brokerWindowArgs(opts.windows ?? 'raised'), ...(opts.args ?? [])],
      nodeArgs: opts.nodeArgs ?? [],
    });
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  trackPid(broker.pid);
  await sleep(1000);
  const idleRssBytes = processUsage(broker.pid)?.rssBytes;
  const b = broker;
  return {
    address: b.address,
    pid: b.pid,
    idleRssBytes,
    measure: async (fn) => {
      const sampler = sampleProcess(b.pid);
      try {
        const value = await fn();
        const sample = sampler.stop();
        return {
          value,
          resources: { idleRssBytes, peakRssBytes: sample?.rssPeakBytes, cpuSeconds: sample?.cpuSeconds },
        };
      } catch (err) {
        sampler.stop();
        throw err;
      }
    },
    stop: async () => {
      // SIGTERM and wait; kill if it does not exit within 15 s.
      const timer = setTimeout(() => void b.kill('SIGKILL'), 15_000);
      await b.stop();
      clearTimeout(timer);
      untrackPid(b.pid);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
