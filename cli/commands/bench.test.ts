import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildExit, describeError } from '../output.js';
import { runBenchProcess } from './bench.js';

describe('tributary bench (the door to bench/)', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("runs the lab's entry with `bench` and the arguments as given, and answers its exit code", async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-door-'));
    const entry = join(dir, 'main.mjs');
    const out = join(dir, 'argv.json');
    writeFileSync(
      entry,
      `import { writeFileSync } from 'node:fs';\n` +
        `writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));\n` +
        `process.exitCode = 3;\n`,
    );
    const code = await runBenchProcess(['produce', '--records', '5', '--json', 'a b.json'], entry);
    expect(code).toBe(3);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual([
      'bench',
      'produce',
      '--records',
      '5',
      '--json',
      'a b.json',
    ]);
    expect(describeError(new ChildExit(3))).toEqual({ line: '', exitCode: 3 });
  });

  it('fails plainly when the lab is not built', () => {
    expect(() => runBenchProcess([], '/nonexistent/bench/main.js')).toThrow('not built');
  });

  it('the CLI never imports the lab (it runs it as a process)', () => {
    const root = join(import.meta.dirname, '..');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const offenders = files.filter((f) => /from '(\.\.\/)+bench\//.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
