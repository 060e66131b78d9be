import { TributaryError } from '../../proto/errors.js';

/**
 * A ConsumerGroupHeartbeat as the group sees it, its answer, and the checks every request passes before it
 * touches a group (limits on every field).
 */

export const LEAVE_EPOCH = -1;
export const STATIC_LEAVE_EPOCH = -2;
const MEMBER_ID_MAX_LENGTH = 64;
const INSTANCE_ID_MAX_LENGTH = 249;
const RACK_MAX_LENGTH = 128;
const SUBSCRIBED_TOPICS_MAX = 1000;
export const REBALANCE_TIMEOUT_MS_MIN = 1000;
export const REBALANCE_TIMEOUT_MS_MAX = 30 * 60 * 1000;

export interface HeartbeatRequest {
  memberId: string;
  memberEpoch: number;
  /** '' for a dynamic member. */
  instanceId: string;
  rack: string;
  subscribedTopics: readonly string[];
  /** What the member owns right now (its acknowledgement of revocations). */
  owned: ReadonlyMap<string, readonly number[]>;
  rebalanceTimeoutMs: number;
}

export interface HeartbeatResult {
  memberId: string;
  memberEpoch: number;
  /** The partitions the member should own now: it drops anything else and starts what is new. */
  assignment: Map<string, number[]>;
  heartbeatIntervalMs: number;
  /** True when this heartbeat raised the group epoch (to persist before answering). */
  groupEpochChanged: boolean;
}

/** Owned partitions one heartbeat may report (limits on everything). */
export const OWNED_PARTITIONS_MAX = 100_000;

export function validateOwnedCount(owned: ReadonlyMap<string, readonly number[]>): void {
  let n = 0;
  for (const partitions of owned.values()) n += partitions.length;
  if (n > OWNED_PARTITIONS_MAX) {
    throw new TributaryError('INVALID_REQUEST', `at most ${OWNED_PARTITIONS_MAX} owned partitions`);
  }
}

export function validateHeartbeat(req: HeartbeatRequest): void {
  if (req.memberId.length === 0 || req.memberId.length > MEMBER_ID_MAX_LENGTH) {
    throw new TributaryError('INVALID_REQUEST', `member id must be 1-${MEMBER_ID_MAX_LENGTH} characters`);
  }
  if (!Number.isSafeInteger(req.memberEpoch) || req.memberEpoch < STATIC_LEAVE_EPOCH) {
    throw new TributaryError('INVALID_REQUEST', `member epoch ${req.memberEpoch} is not valid`);
  }
  if (req.memberEpoch === STATIC_LEAVE_EPOCH && req.instanceId === '') {
    throw new TributaryError('INVALID_REQUEST', 'epoch -2 (a static member leaving) needs an instance id');
  }
  if (req.instanceId.length > INSTANCE_ID_MAX_LENGTH) {
    throw new TributaryError(
      'INVALID_REQUEST',
      `instance id is limited to ${INSTANCE_ID_MAX_LENGTH} characters`,
    );
  }
  if (req.rack.length > RACK_MAX_LENGTH) {
    throw new TributaryError('INVALID_REQUEST', `rack is limited to ${RACK_MAX_LENGTH} characters`);
  }
  if (req.memberEpoch >= 0) {
    if (req.subscribedTopics.length === 0) {
      throw new TributaryError('INVALID_REQUEST', 'a member must subscribe to at least one topic');
    }
    if (req.subscribedTopics.length > SUBSCRIBED_TOPICS_MAX) {
      throw new TributaryError('INVALID_REQUEST', `at most ${SUBSCRIBED_TOPICS_MAX} subscribed topics`);
    }
    if (
      !Number.isSafeInteger(req.rebalanceTimeoutMs) ||
      req.rebalanceTimeoutMs < REBALANCE_TIMEOUT_MS_MIN ||
      req.rebalanceTimeoutMs > REBALANCE_TIMEOUT_MS_MAX
    ) {
      throw new TributaryError(
        'INVALID_REQUEST',
        `rebalance timeout must be ${REBALANCE_TIMEOUT_MS_MIN}-${REBALANCE_TIMEOUT_MS_MAX} ms, got ${req.rebalanceTimeoutMs}`,
      );
    }
  }
}
