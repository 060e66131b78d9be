import { describe, expect, it } from 'vitest';
import { loadTributaryProto } from '../../proto/load.js';
import { RPC_RULES, UNAUTHENTICATED_PATHS } from './rpc-access.js';

describe('RPC access rules', () => {
  it('cover every method of every Tributary service, and name no method that does not exist', () => {
    const { grpc } = loadTributaryProto();
    const v1 = grpc.tributary.v1 as unknown as Record<string, { service?: Record<string, { path: string }> }>;
    const paths = Object.values(v1)
      .flatMap((s) => Object.values(s.service ?? {}))
      .map((m) => m.path);
    expect(paths.length).toBeGreaterThan(40);
    for (const path of paths) expect(RPC_RULES.has(path) || UNAUTHENTICATED_PATHS.has(path), path).toBe(true);
    const known = new Set(paths);
    for (const path of RPC_RULES.keys()) {
      if (!path.startsWith('/grpc.reflection.')) expect(known.has(path), path).toBe(true);
    }
  });
});
