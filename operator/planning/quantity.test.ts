import { describe, expect, it } from 'vitest';
import { parseQuantity, sameQuantity } from './quantity.js';

describe('quantities', () => {
  it('parses binary, decimal, milli and exponent forms', () => {
    expect(parseQuantity('10Gi')).toBe(10 * 2 ** 30);
    expect(parseQuantity('500M')).toBe(5e8);
    expect(parseQuantity('1.5Ti')).toBe(1.5 * 2 ** 40);
    expect(parseQuantity('250m')).toBe(0.25);
    expect(parseQuantity('1e9')).toBe(1e9);
    expect(parseQuantity('12')).toBe(12);
    expect(parseQuantity('10 Gi')).toBeNaN();
    expect(parseQuantity('Gi')).toBeNaN();
  });

  it('compares amounts, not spellings', () => {
    expect(sameQuantity('0.5Gi', '512Mi')).toBe(true);
    expect(sameQuantity('1G', '1000M')).toBe(true);
    expect(sameQuantity('1Gi', '1G')).toBe(false);
    expect(sameQuantity('x', 'x')).toBe(false);
  });
});
