// Broker memory after batches that decompress to 200 MiB (docs/benchmarks.md, issue 12).
// Usage: npx tsc -p tsconfig.json && node hack/decompression-memory.mjs [repo root with dist/, default: this one]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const { spawnBroker } = await import(join(root, 'dist/cli/bench/broker-process.js'));
const { encodeRecordBatch } = await import(join(root, 'dist/proto/codec/index.js'));
const { loadTributaryProto } = await import(join(root, 'dist/proto/load.js'));
const { credentials } = await import(join(root, 'node_modules/@grpc/grpc-js/build/src/index.js'));
const dataDir = mkdtempSync(join(tmpdir(), 'tributary-memory-'));
const broker = await spawnBroker({ dataDir, cliEntry: join(root, 'dist/cli/main.js') });
const { grpc } = loadTributaryProto();
const opts = { 'grpc.max_receive_message_length': 512 << 20 };
const client = new grpc.tributary.v1.ClientService(broker.address, credentials.createInsecure(), opts);
const admin = new grpc.tributary.v1.AdminService(broker.address, credentials.createInsecure(), opts);
const call = (stub, m, req) => new Promise((res, rej) => stub[m](req, (e, r) => (e ? rej(e) : res(r))));
const rss = () =>
  Number(readFileSync(`/proc/${broker.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)[1]) / 1024;
await call(admin, 'CreateTopics', { topics: [{ name: 'm', partitions: 1 }] });
console.log('idle', rss().toFixed(0));
const size = 200 << 20;
let stored = 0;
for (const compression of ['zstd', 'gzip', 'lz4']) {
  const b = encodeRecordBatch([{ value: Buffer.alloc(size, 3) }], { compression });
  const r = await call(client, 'Produce', {
    acks: 'ACKS_ALL',
    topics: [{ topic: 'm', partitions: [{ partition: 0, batches: b }] }],
  });
  const e = r.topics[0].partitions[0].error;
  console.log(compression, b.length, 'bytes:', e ? e.reason : 'stored');
  if (!e) stored++;
}
console.log('after produces', rss().toFixed(0));
for (let i = 0; i < stored; i++) {
  try {
    const r = await call(client, 'Fetch', {
      max_wait_ms: 0,
      min_bytes: 1,
      format: 'RECORD_FORMAT_RECORDS',
      topics: [{ topic: 'm', partitions: [{ partition: 0, fetch_offset: String(i) }] }],
    });
    const p = r.topics[0].partitions[0];
    console.log('fetch', i, p.error ? p.error.reason : `${p.records.length} records`);
  } catch (e) {
    console.log('fetch', i, 'call failed', e.code, e.details?.slice(0, 80));
  }
}
const peak = rss();
await new Promise((r) => setTimeout(r, 10000));
console.log('after reads', peak.toFixed(0), 'idle 10 s later', rss().toFixed(0));
client.close();
admin.close();
await broker.stop();
rmSync(dataDir, { recursive: true, force: true });
