#!/usr/bin/env node
// The CPU a .cpuprofile spends in one part of the code, within the window of another (docs/benchmarks.md,
// "Tracing overhead"): the window runs from the first to the last sample with a frame matching --window on
// its stack (e.g. the bench's produce loop); of its busy samples (idle excluded), those with a frame
// matching --part anywhere on the stack count for the part (garbage collection is counted apart: it has
// no stack). Prints one JSON line; with --records, the microseconds per record too.
//
//   node hack/cpuprofile-share.mjs <file.cpuprofile> [--window runSdkProduce] [--part <regexp>]
//     [--records 400000] [--top 10]
//
// The default part is tracing: OpenTelemetry's packages and Tributary's tracing modules.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    window: { type: 'string', default: 'runSdkProduce' },
    part: {
      type: 'string',
      default: String.raw`@opentelemetry/|/client/tracing\.js|/proto/trace-context\.js|/broker/api/tracing\.js`,
    },
    records: { type: 'string' },
    top: { type: 'string', default: '0' },
  },
});
const file = positionals[0];
if (file === undefined) throw new Error('give a .cpuprofile file');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parents = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
const frame = (n) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url}:${n.callFrame.lineNumber}`;

/** The outermost frame on the stack of `id` matching `re`, or undefined (memoized per node). */
function outermost(re) {
  const memo = new Map();
  return (id) => {
    if (memo.has(id)) return memo.get(id);
    let found;
    for (let cur = id; cur !== undefined; cur = parents.get(cur)) {
      const n = nodes.get(cur);
      if (re.test(frame(n))) found = n;
    }
    memo.set(id, found);
    return found;
  };
}
const inWindow = outermost(new RegExp(values.window));
const inPart = outermost(new RegExp(values.part));

let first = -1;
let last = -1;
profile.samples.forEach((id, i) => {
  if (inWindow(id) === undefined) return;
  if (first < 0) first = i;
  last = i;
});
if (first < 0) throw new Error(`no sample has a frame matching ${values.window}`);
let busyUs = 0;
let partUs = 0;
let gcUs = 0;
const byFrame = new Map();
for (let i = first; i <= last; i++) {
  const n = nodes.get(profile.samples[i]);
  const us = profile.timeDeltas[i + 1] ?? 0;
  const name = n.callFrame.functionName;
  if (name === '(idle)') continue;
  busyUs += us;
  if (name === '(garbage collector)') {
    gcUs += us;
    continue;
  }
  const part = inPart(profile.samples[i]);
  if (part === undefined) continue;
  partUs += us;
  byFrame.set(frame(part), (byFrame.get(frame(part)) ?? 0) + us);
}
const records = values.records === undefined ? undefined : Number(values.records);
const out = {
  busyMs: Math.round(busyUs / 1000),
  partMs: Math.round(partUs / 1000),
  gcMs: Math.round(gcUs / 1000),
  partShare: Number((partUs / busyUs).toFixed(4)),
  ...(records === undefined
    ? {}
    : {
        busyUsPerRecord: Number((busyUs / records).toFixed(2)),
        partUsPerRecord: Number((partUs / records).toFixed(3)),
      }),
};
console.log(JSON.stringify(out));
const top = [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
for (const [name, us] of top) console.log(`${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
