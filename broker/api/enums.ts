import { TributaryError } from '../../proto/errors.js';

/**
 * An enum field of a request, checked against the values the proto defines.
 *
 * Why: requests are decoded with `enums: String`, so a value the proto does not define arrives as a
 * number rather than a name. A handler that compares with one name and takes "anything else" as the
 * default would silently read an unknown value as that default; every enum field of every request goes
 * through here (or an equivalent `switch` with a refusing default) instead. `enums.test.ts` lists them.
 */
export function enumValue<T extends string>(
  raw: T | number | string,
  allowed: readonly T[],
  field: string,
): T {
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  throw new TributaryError('INVALID_REQUEST', `${field} must be one of ${allowed.join(', ')}, got ${raw}`);
}

export const RECORD_FORMATS = ['RECORD_FORMAT_BATCHES', 'RECORD_FORMAT_RECORDS'] as const;
export const ELECTION_TYPES = ['ELECTION_TYPE_PREFERRED', 'ELECTION_TYPE_UNCLEAN'] as const;

/** True when a read asks for decoded records; refuses a format the proto does not define. */
export function wantsRecords(format: string | number): boolean {
  return enumValue(format, RECORD_FORMATS, 'format') === 'RECORD_FORMAT_RECORDS';
}

export const BROKER_BALANCE_STATES = [
  'BROKER_BALANCE_STATE_ACTIVE',
  'BROKER_BALANCE_STATE_CORDONED',
  'BROKER_BALANCE_STATE_LEAVING',
] as const;
export const BALANCING_MODES = [
  'BALANCING_MODE_ON_SCALE',
  'BALANCING_MODE_CONTINUOUS',
  'BALANCING_MODE_OFF',
] as const;
