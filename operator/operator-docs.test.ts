import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerOperatorCommand } from '../cli/commands/operator.js';
import { REPO_ROOT } from '../test/helpers/broker-process.js';
import { OperatorMetrics } from './metrics.js';

const doc = readFileSync(join(REPO_ROOT, 'docs', 'operator.md'), 'utf8');

/** First cells of the Markdown table rows of docs/operator.md, without backticks. */
const firstCells = new Set(
  doc
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) => l.split('|')[1]!.trim().replace(/`/g, '')),
);

// docs/operator.md must name every flag and metric the operator has, so it stays true as they are added.
describe('docs/operator.md', () => {
  it('lists every flag of tributary operator run', () => {
    const program = new Command();
    registerOperatorCommand(program);
    const run = program.commands
      .find((c) => c.name() === 'operator')!
      .commands.find((c) => c.name() === 'run')!;
    const flags = run.options.map((o) => o.flags);
    expect(flags.length).toBeGreaterThan(10);
    expect(flags.filter((f) => !firstCells.has(f))).toEqual([]);
  });

  it('lists every operator metric', async () => {
    const metrics = new OperatorMetrics();
    const names = (await metrics.registry.getMetricsAsJSON())
      .map((m) => m.name)
      .filter((n) => !/^tributary_operator_(process|nodejs)_/.test(n));
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => !firstCells.has(n))).toEqual([]);
  });
});
