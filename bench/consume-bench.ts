import { performance } from 'node:perf_hooks';
import { Connection, Tributary } from '../client/index.js';
import { scanBatches } from '../proto/codec/index.js';
import type { FetchResponse__Output } from '../proto/generated/tributary/v1/FetchResponse.js';
import { type BrokerResources, clientChannelOptions, type WindowsMode, withBenchBroker } from './harness.js';
import { type ClientKind, createRoundTopic, type ProduceWorkload, runSdkProduce } from './produce-bench.js';
import type { Progress } from './progress.js';
import { cpuSecondsSince, type Throughput, throughput } from './stats.js';

export interface TributaryConsumeOptions {
  bootstrap: string;
  topic: string;
  /** Partitions of the topic (the raw client fetches 0..partitions-1; the SDK assigns 'all'). */
  partitions?: number;
  /** Stop after this many records (catch-up of what was produced). */
  records: number;
  recordBytes: number;
  /** `sdk` (default): `Consumer` over Subscribe streams; `raw`: back-to-back Fetch requests. */
  client?: ClientKind;
  /** SDK consumer's maxPrefetchBytes (default: the SDK's 16 MiB). */
  maxPrefetchBytes?: number | undefined;
  /** Bytes per Fetch request (raw client). */
  maxBytes?: number;
  windows?: WindowsMode;
  timeoutMs?: number;
  progress?: Progress | undefined;
}

/** `bytes`: payload bytes received (value lengths for the SDK; records x recordBytes for raw). */
export type TributaryConsumeResult = Throughput;

/**
 * Catch-up consume with the SDK: `tributary.consumer({ maxPrefetchBytes }).assign({ topic, partitions:
 * 'all', from: 'earliest' })`, iterated until `records` records arrived. The clock starts before assign()
 * (metadata and start offsets count; there is no group join to exclude).
 */
async function runSdkConsume(opts: TributaryConsumeOptions): Promise<TributaryConsumeResult> {
  const tributary = new Tributary({
    bootstrap: opts.bootstrap,
    channelOptions: clientChannelOptions(opts.windows ?? 'raised'),
  });
  const consumer = tributary.consumer(
    opts.maxPrefetchBytes === undefined ? {} : { maxPrefetchBytes: opts.maxPrefetchBytes },
  );
  const timeoutMs = opts.timeoutMs ?? 300_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void consumer.close();
  }, timeoutMs);
  let count = 0;
  let bytes = 0;
  try {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    await consumer.assign({ topic: opts.topic, partitions: 'all', from: 'earliest' });
    for await (const record of consumer) {
      bytes += record.value?.length ?? 0;
      if ((++count & 4095) === 0) opts.progress?.update(count, opts.records);
      if (count >= opts.records) break;
    }
    const seconds = (performance.now() - start) / 1000;
    if (count < opts.records) {
      throw new Error(`consume read ${count} of ${opts.records}${timedOut ? ` in ${timeoutMs} ms` : ''}`);
    }
    return { ...throughput(count, bytes, seconds), clientCpuSeconds: cpuSecondsSince(cpuStart) };
  } finally {
    clearTimeout(timer);
    opts.progress?.done();
    await consumer.close();
    tributary.close();
  }
}

/**
 * The raw variant (`--client raw`): back-to-back Fetch requests for every partition from offset 0 in batch
 * format (RecordBatch v2 bytes, CRC-checked here, as a Kafka consumer does by default).
 */
async function runRawConsume(opts: TributaryConsumeOptions): Promise<TributaryConsumeResult> {
  const connection = new Connection({
    bootstrap: opts.bootstrap,
    channelOptions: clientChannelOptions(opts.windows ?? 'raised'),
  });
  const deadline = Date.now() + (opts.timeoutMs ?? 300_000);
  const offsets = new Array<number>(opts.partitions ?? 1).fill(0);
  try {
    let count = 0;
    const start = performance.now();
    while (count < opts.records) {
      if (Date.now() > deadline) throw new Error(`consume read ${count} of ${opts.records} before timeout`);
      const res = await new Promise<FetchResponse__Output>((resolve, reject) =>
        connection.client.Fetch(
          {
            max_wait_ms: 500,
            min_bytes: 1,
            max_bytes: opts.maxBytes ?? 4 * 1024 * 1024,
            format: 'RECORD_FORMAT_BATCHES',
            topics: [
              {
                topic: opts.topic,
                partitions: offsets.map((fetch_offset, partition) => ({ partition, fetch_offset })),
              },
            ],
          },
          (err: Error | null, r?: FetchResponse__Output) => (err || !r ? reject(err) : resolve(r)),
        ),
      );
      for (const p of res.topics[0]?.partitions ?? []) {
        if (p.error) throw new Error(`fetch failed: ${p.error.message}`);
        let offset = offsets[p.partition]!;
        for (const b of scanBatches(p.batches ?? Buffer.alloc(0), 0, { verifyCrc: true })) {
          if (b.lastOffset < offset) continue;
          count += b.lastOffset + 1 - Math.max(b.baseOffset, offset);
          offset = b.lastOffset + 1;
        }
        offsets[p.partition] = offset;
      }
      opts.progress?.update(Math.min(count, opts.records), opts.records);
    }
    const seconds = (performance.now() - start) / 1000;
    return throughput(count, count * opts.recordBytes, seconds);
  } finally {
    opts.progress?.done();
    connection.close();
  }
}

/** Catch-up consume of `records` records of an existing topic, with the SDK consumer or raw Fetch. */
export function runTributaryConsume(opts: TributaryConsumeOptions): Promise<TributaryConsumeResult> {
  return opts.client === 'raw' ? runRawConsume(opts) : runSdkConsume(opts);
}

export interface ConsumeBenchOptions {
  target?: string | undefined;
  brokerNodeArgs?: string[] | undefined;
  partitions: number;
  records: number;
  /** How the records are written first (not measured): SDK producer settings. */
  fill: ProduceWorkload;
  client: ClientKind;
  maxPrefetchBytes?: number | undefined;
  windows: WindowsMode;
  timeoutMs: number;
  progress?: Progress | undefined;
  fillProgress?: Progress | undefined;
}

export interface ConsumeBenchResult extends TributaryConsumeResult {
  topic: string;
  broker: BrokerResources;
}

/** One round of `bench consume`: fresh broker, produce `records` (unmeasured), then the measured catch-up read. */
export async function runConsumeBench(opts: ConsumeBenchOptions): Promise<ConsumeBenchResult> {
  const brokerOptions = { target: opts.target, windows: opts.windows, nodeArgs: opts.brokerNodeArgs };
  return withBenchBroker(brokerOptions, async (broker) => {
    const topic = await createRoundTopic(broker.address, 'consume', opts.partitions, opts.windows);
    const filled = await runSdkProduce(broker.address, topic, {
      ...opts.fill,
      records: opts.records,
      durationS: undefined,
      progress: opts.fillProgress,
    });
    const { value, resources } = await broker.measure(() =>
      runTributaryConsume({
        bootstrap: broker.address,
        topic,
        partitions: opts.partitions,
        records: filled.records,
        recordBytes: opts.fill.recordBytes,
        client: opts.client,
        maxPrefetchBytes: opts.maxPrefetchBytes,
        windows: opts.windows,
        timeoutMs: opts.timeoutMs,
        progress: opts.progress,
      }),
    );
    return { ...value, topic, broker: resources };
  });
}
