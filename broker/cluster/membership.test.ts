import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalDcs } from '../dcs/local/local-dcs.js';
import { createLogger } from '../logger.js';
import { TopicRegistry } from '../metadata/topic-registry.js';
import { Membership } from './membership.js';

const root = mkdtempSync(join(tmpdir(), 'tributary-membership-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const logger = createLogger('silent');

describe('Membership', () => {
  it('registers under a session, sees the others, and skips unreadable values instead of crashing', async () => {
    const dcs = await LocalDcs.open(join(root, 'a'));
    await dcs.compareAndSet('brokers/9', Buffer.from('not json'), 0);
    await dcs.compareAndSet('controller', Buffer.from('{"oops"'), 0);
    await dcs.compareAndSet('topics/bad', Buffer.from('[1,2'), 0);
    const m = await Membership.start(
      dcs,
      { id: 1, host: 'h', port: 1, rack: '', registeredAtMs: 0 },
      { sessionTtlMs: 3000, logger },
    );
    const topics = new TopicRegistry(dcs);
    await topics.load();
    expect(m.liveBrokers().map((b) => b.id)).toEqual([1]);
    expect(m.controller()).toBeNull();
    expect(topics.list()).toEqual([]);
    expect(topics.skipped).toBe(1);
    // A later good value is taken.
    await dcs.compareAndSet(
      'controller',
      Buffer.from(JSON.stringify({ brokerId: 1, epoch: 4 })),
      (await dcs.get('controller'))!.version,
    );
    expect(m.controller()).toEqual({ brokerId: 1, epoch: 4 });
    await m.stop();
    expect(await dcs.get('brokers/1')).toBeNull(); // the session's key went with it
    topics.stop();
    await dcs.close();
  });
});
