import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokerEnvNames, DEFAULT_BROKER_CONFIG } from '../broker/config.js';
import { TOPIC_CONFIGS } from '../broker/metadata/topic-config.js';
import { ERRORS } from '../proto/errors.js';
import { REPO_ROOT } from './helpers/broker-process.js';

const doc = (name: string) => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');

/** Rows of every Markdown table in `text`, as trimmed cells (formatters may pad them). */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.trimStart().startsWith('|'))
    .map((l) =>
      l
        .trim()
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
}

function rowFor(text: string, first: string): string[] | undefined {
  return tableRows(text).find((cells) => cells[0] === first);
}

// The reference tables in docs/ must name everything the code has, so the docs stay true as code grows.
describe('docs match the code', () => {
  it('docs/api.md lists every error reason with its code and retriable flag', () => {
    const api = doc('api.md');
    for (const [reason, spec] of Object.entries(ERRORS)) {
      const row = rowFor(api, `\`${reason}\``);
      expect(row, reason).toBeDefined();
      expect(row![2]).toBe(spec.retriable ? 'yes' : 'no');
    }
  });

  it('docs/operations.md lists every broker setting with its env name and default', () => {
    const ops = doc('operations.md');
    const env = brokerEnvNames();
    for (const [key, value] of Object.entries(DEFAULT_BROKER_CONFIG)) {
      const row = rowFor(ops, `\`${key}\``);
      expect(row, key).toBeDefined();
      expect(row![1]).toBe(`\`${env[key as keyof typeof env]}\``);
      expect(row![2]).toBe(`\`${JSON.stringify(value)}\``);
    }
  });

  it('docs/operations.md lists every topic config', () => {
    const ops = doc('operations.md');
    for (const name of Object.keys(TOPIC_CONFIGS)) expect(rowFor(ops, `\`${name}\``), name).toBeDefined();
  });
});
