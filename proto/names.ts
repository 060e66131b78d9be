import { TributaryError } from './errors.js';

/** Kafka's rule, kept so that topic names move between the two systems unchanged. */
export const TOPIC_NAME_MAX_LENGTH = 249;
const TOPIC_NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;

/** Throws INVALID_TOPIC_NAME with the precise rule that `name` breaks. */
export function validateTopicName(name: string): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TributaryError('INVALID_TOPIC_NAME', 'topic name must not be empty');
  }
  if (name.length > TOPIC_NAME_MAX_LENGTH) {
    throw new TributaryError(
      'INVALID_TOPIC_NAME',
      `topic name is ${name.length} characters; the limit is ${TOPIC_NAME_MAX_LENGTH}`,
    );
  }
  if (name === '.' || name === '..') {
    throw new TributaryError('INVALID_TOPIC_NAME', `topic name ${JSON.stringify(name)} is reserved`);
  }
  if (!TOPIC_NAME_PATTERN.test(name)) {
    throw new TributaryError(
      'INVALID_TOPIC_NAME',
      `topic name ${JSON.stringify(name)} may contain only ASCII letters, digits, '.', '_' and '-'`,
    );
  }
}

/** Topics whose names start with "__" are the system's own (offsets, transactions). */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

/**
 * The topic among `existing` whose name collides with `name`, if any: equal once '.' and '_' are taken
 * as the same character (Kafka's rule: metric names replace '.' with '_', so two such topics would share
 * their metrics). An identical name is not a collision; it is the same topic.
 */
export function collidingTopicName(name: string, existing: Iterable<string>): string | undefined {
  const key = name.replaceAll('.', '_');
  for (const other of existing) {
    if (other !== name && other.replaceAll('.', '_') === key) return other;
  }
  return undefined;
}

/** Throws TOPIC_NAME_COLLISION when `name` collides with one of `existing` (see collidingTopicName). */
export function assertNoTopicNameCollision(name: string, existing: Iterable<string>): void {
  const other = collidingTopicName(name, existing);
  if (other !== undefined) {
    throw new TributaryError(
      'TOPIC_NAME_COLLISION',
      `topic name ${JSON.stringify(name)} collides with existing topic ${JSON.stringify(other)} ('.' and '_' are the same in metric names)`,
    );
  }
}
