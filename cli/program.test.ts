import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startFrom } from './commands/consume.js';
import { lineToMessage, ProduceSummary } from './commands/produce.js';
import { commandName, type LazyCommand, run } from './program.js';

function collectIo(stdinText = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const stdin = new PassThrough();
  stdin.end(stdinText);
  return { io: { stdin, stdout, stderr }, out: () => out, err: () => err };
}

async function cli(args: string[]) {
  const io = collectIo();
  const code = await run(['node', 'tributary', ...args], io.io);
  return { code, stdout: io.out(), stderr: io.err() };
}

describe('tributary argument handling (no broker needed)', () => {
  it('prints help for every command and exits 0', async () => {
    for (const args of [[], ['topic'], ['topic', 'create'], ['produce'], ['consume'], ['offsets']]) {
      const { code, stdout } = await cli([...args, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain('Usage: tributary');
    }
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    const { code, stderr } = await cli(['topic', 'create', 't', '--bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown option '--bogus'");
  });

  it('exits 2 on a bad partition count, before contacting a broker', async () => {
    for (const bad of ['0', '-3', 'abc']) {
      const { code, stderr } = await cli([
        '--bootstrap',
        '127.0.0.1:1',
        'topic',
        'create',
        't',
        '--partitions',
        bad,
      ]);
      expect(code).toBe(2);
      expect(stderr).toContain('error:');
    }
  });

  it('exits 2 on a config without "="', async () => {
    const { code, stderr } = await cli(['topic', 'create', 't', '--config', 'retention.ms']);
    expect(code).toBe(2);
    expect(stderr).toContain('key=value');
  });

  it('exits 2 when alter is given nothing to change', async () => {
    const { code, stderr } = await cli(['topic', 'alter', 't']);
    expect(code).toBe(2);
    expect(stderr).toContain('error: nothing to alter');
  });

  it('exits 2 on conflicting start positions and bad formats', async () => {
    expect((await cli(['consume', 't', '--from-beginning', '--offset', '3'])).code).toBe(2);
    expect((await cli(['consume', 't', '--format', 'xml'])).code).toBe(2);
    expect((await cli(['consume', 't', '--from-time', 'not-a-time'])).code).toBe(2);
    expect((await cli(['produce', 't', '--acks', 'some'])).code).toBe(2);
  });

  it('exits 2 on a malformed bootstrap address', async () => {
    const { code, stderr } = await cli(['--bootstrap', 'nohostport', 'topic', 'list']);
    expect(code).toBe(2);
    expect(stderr).toContain('host:port');
  });

  it('exits 1 with UNAVAILABLE when no broker listens', async () => {
    const { code, stderr } = await cli(['--bootstrap', '127.0.0.1:1', 'topic', 'list']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: .+ \(UNAVAILABLE\)\n$/);
  });
});

describe('lazy commands (broker, bench)', () => {
  function lazyCommands() {
    const loaded: string[] = [];
    const lazy: LazyCommand[] = ['broker', 'bench'].map((name) => ({
      name,
      load: async () => {
        loaded.push(name);
        return (program) => {
          program
            .command(name)
            .description(`the ${name} command`)
            .action(() => {});
        };
      },
    }));
    return { lazy, loaded };
  }

  async function cliLazy(args: string[]) {
    const io = collectIo();
    const { lazy, loaded } = lazyCommands();
    const code = await run(['node', 'tributary', ...args], io.io, [], lazy);
    return { code, stdout: io.out(), stderr: io.err(), loaded };
  }

  it('finds the command after global options', () => {
    expect(commandName(['--bootstrap', 'h:1', 'broker', 'start'])).toBe('broker');
    expect(commandName(['--bootstrap=h:1', 'topic', 'list'])).toBe('topic');
    expect(commandName(['--help'])).toBeUndefined();
  });

  it('loads only the command that runs', async () => {
    expect((await cliLazy(['broker'])).loaded).toEqual(['broker']);
    expect((await cliLazy(['--bootstrap', 'h:1', 'bench'])).loaded).toEqual(['bench']);
    const topic = await cliLazy(['topic', '--help']);
    expect(topic.code).toBe(0);
    expect(topic.loaded).toEqual([]);
  });

  it('loads every one for help and for an unknown command, so both still list them', async () => {
    const help = await cliLazy(['--help']);
    expect(help.loaded).toEqual(['broker', 'bench']);
    expect(help.stdout).toContain('the broker command');
    expect(help.stdout).toContain('the bench command');
    const typo = await cliLazy(['brokr']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('(Did you mean broker?)');
  });
});

describe('produce helpers', () => {
  it('splits key and value at the first separator and adds headers', () => {
    expect(lineToMessage('k:v:w', 1, { keySeparator: ':', header: [['h', '1']] })).toEqual({
      key: 'k',
      value: 'v:w',
      headers: [{ key: 'h', value: '1' }],
    });
    expect(lineToMessage('plain', 1, { header: [], partition: 3 })).toEqual({ value: 'plain', partition: 3 });
    expect(() => lineToMessage('nokey', 7, { keySeparator: ':', header: [] })).toThrow('line 7');
  });

  it('summarizes offsets per partition', () => {
    const summary = new ProduceSummary();
    summary.add(
      [
        { partition: 1, baseOffset: 0, lastOffset: 9 },
        { partition: 0, baseOffset: 5, lastOffset: 6 },
      ],
      12,
    );
    summary.add([{ partition: 1, baseOffset: 10, lastOffset: 19 }], 10);
    expect(summary.format('t')).toBe(
      'produced 22 records to "t" in 2 requests (partition@offsets: 0@5-6 1@0-19)',
    );
  });
});

describe('consume start position', () => {
  it('defaults to latest, like the Kafka console consumer', () => {
    expect(startFrom({ fromBeginning: false })).toBe('latest');
    expect(startFrom({ fromBeginning: true })).toBe('earliest');
    expect(startFrom({ fromBeginning: false, offset: 5 })).toEqual({ offset: 5 });
    expect(startFrom({ fromBeginning: false, fromTime: 10 })).toEqual({ timestamp: 10 });
  });
});
