#!/usr/bin/env node
// Generates TypeScript types for proto/tributary/v1/*.proto into proto/generated/ with the same options
// that proto/load.ts passes to @grpc/proto-loader at run time (both read proto/loader-options.json).
// `--check` regenerates into a temporary folder and fails if proto/generated/ differs (stale or hand-edited).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoRoot = join(root, 'proto');
const generated = join(protoRoot, 'generated');
const options = JSON.parse(readFileSync(join(protoRoot, 'loader-options.json'), 'utf8'));

function protoFiles() {
  const dir = join(protoRoot, 'tributary', 'v1');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.proto'))
    .sort()
    .map((f) => `tributary/v1/${f}`);
}

function flags() {
  const out = [];
  if (options.keepCase) out.push('--keepCase');
  if (options.longs) out.push('--longs', options.longs);
  if (options.enums) out.push('--enums', options.enums);
  if (options.defaults) out.push('--defaults');
  if (options.oneofs) out.push('--oneofs');
  out.push('--includeComments', '--grpcLib', '@grpc/grpc-js');
  return out;
}

function generate(outDir) {
  const bin = join(root, 'node_modules', '.bin', 'proto-loader-gen-types');
  execFileSync(bin, [...flags(), '-I', protoRoot, '-O', outDir, ...protoFiles()], { stdio: 'inherit' });
  // The project compiles as ESM with NodeNext resolution, which wants explicit `.js` suffixes on relative
  // imports; proto-loader-gen-types writes none. Add them, and drop the absolute source path it records.
  for (const f of listFiles(outDir)) {
    const p = join(outDir, f);
    const text = readFileSync(p, 'utf8')
      .replace(/from '(\.{1,2}\/[^']+?)'/g, "from '$1.js'")
      .replace(/^\/\/ Original file: .*\/proto\//m, '// Original file: proto/');
    writeFileSync(p, text);
  }
}

function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

if (process.argv.includes('--check')) {
  const tmp = mkdtempSync(join(tmpdir(), 'tributary-codegen-'));
  try {
    generate(tmp);
    const want = listFiles(tmp);
    const have = listFiles(generated);
    const stale = [];
    for (const f of new Set([...want, ...have])) {
      const a = want.includes(f) ? readFileSync(join(tmp, f), 'utf8') : null;
      const b = have.includes(f) ? readFileSync(join(generated, f), 'utf8') : null;
      if (a !== b) stale.push(f);
    }
    if (stale.length > 0) {
      console.error(`proto/generated is stale (${stale.join(', ')}); run: npm run codegen`);
      process.exit(1);
    }
    console.log(`proto/generated is up to date (${want.length} files)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
} else {
  rmSync(generated, { recursive: true, force: true });
  generate(generated);
  console.log(`generated ${listFiles(generated).length} files into proto/generated`);
}
