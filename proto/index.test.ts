import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as proto from './index.js';

const root = join(import.meta.dirname, '..');

describe('package exports', () => {
  it('every export of package.json is built from a source file that exists', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, string>;
    };
    const missing = Object.values(pkg.exports)
      .map((target) => target.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'))
      .filter((source) => !existsSync(join(root, source)));
    expect(missing).toEqual([]);
  });

  it('./proto holds the codec and the error table', () => {
    const batch = proto.encodeRecordBatch([{ value: Buffer.from('v') }]);
    expect(proto.decodeRecordBatch(batch).records.map((r) => r.value?.toString())).toEqual(['v']);
    expect(new proto.TributaryError('UNKNOWN_TOPIC', 'x')).toBeInstanceOf(Error);
    expect(proto.ERRORS.UNKNOWN_TOPIC).toBeDefined();
  });
});
