import { describe, expect, it } from 'vitest';
import { DefaultPartitioner, murmur2, partitionForKey, toPositive } from './partitioner.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('murmur2', () => {
  // Kafka's clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('murmur2(%j) = %d as Java computes it', (input, expected) => {
    expect(murmur2(utf8(input))).toBe(expected);
  });

  it('handles bytes with the high bit set', () => {
    // IBM/sarama's murmur2 test vector: {12, 42, 56, 24, 109, 111} -> 274204207.
    expect(murmur2(new Uint8Array([12, 42, 56, 24, 109, 111]))).toBe(274204207);
  });

  it('is defined for the empty key', () => {
    expect(Number.isInteger(murmur2(new Uint8Array(0)))).toBe(true);
  });
});

describe('partitionForKey', () => {
  it('clears the sign bit rather than taking abs', () => {
    expect(toPositive(-973932308)).toBe(1173551340);
    expect(toPositive(-2147483648)).toBe(0);
    expect(partitionForKey(utf8('21'), 1 << 30)).toBe(1173551340 % (1 << 30));
  });

  it('stays in range and is stable', () => {
    for (let i = 0; i < 1000; i++) {
      const p = partitionForKey(utf8(`key-${i}`), 7);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(7);
      expect(partitionForKey(utf8(`key-${i}`), 7)).toBe(p);
    }
  });

  it('rejects a non-positive partition count', () => {
    expect(() => partitionForKey(utf8('a'), 0)).toThrow(RangeError);
  });
});

describe('DefaultPartitioner', () => {
  it('spreads unkeyed records round robin per topic', () => {
    const partitioner = new DefaultPartitioner();
    const seen = Array.from({ length: 8 }, () => partitioner.partition('t', null, 4));
    const counts = [0, 0, 0, 0];
    for (const p of seen) counts[p]! += 1;
    expect(counts).toEqual([2, 2, 2, 2]);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBe((seen[i - 1]! + 1) % 4);
  });

  it('uses murmur2 for keyed records', () => {
    expect(new DefaultPartitioner().partition('t', utf8('foobar'), 12)).toBe(toPositive(-790332482) % 12);
  });
});
