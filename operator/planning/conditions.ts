/**
 * Standard conditions (the metav1.Condition shape): one entry per type, CamelCase reasons, a message for
 * people. `lastTransitionTime` changes only when the status does, so a reconcile that finds nothing new
 * produces an equal list and the status is not written.
 */
import type { Condition } from '../api/v1alpha1.js';

/** The one condition both kinds report (with CamelCase reasons). */
export const CONDITION_READY = 'Ready';

export type ConditionStatus = Condition['status'];

export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

const MESSAGE_CHARS_MAX = 1024;
const REASON_PATTERN = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Elapsed times as gRPC prints them in deadline errors (`Deadline exceeded after 5.002s,LB pick: 0.001s`). */
const TIMING_PATTERN = /\b\d+\.\d+s\b/g;

/**
 * `message` without the parts that differ from one failure to the next (elapsed times): a condition whose
 * message changes on every failed reconcile is a status write, and a watch event, on every failure.
 */
export function stableMessage(message: string): string {
  return message.replace(TIMING_PATTERN, '…s');
}

/** Messages longer than a condition may hold are cut, with a mark. */
export function boundedMessage(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > MESSAGE_CHARS_MAX ? `${line.slice(0, MESSAGE_CHARS_MAX - 3)}...` : line;
}

/**
 * `conditions` with `update` set for `generation` at `nowIso`: the entry of its type replaced (keeping its
 * lastTransitionTime when the status did not change), or appended. Other entries are kept as they are.
 */
export function setCondition(
  conditions: readonly Condition[] | undefined,
  update: ConditionUpdate,
  generation: number,
  nowIso: string,
): Condition[] {
  if (!REASON_PATTERN.test(update.reason))
    throw new Error(`invalid condition reason ${JSON.stringify(update.reason)}`);
  const previous = findCondition(conditions, update.type);
  const next: Condition = {
    type: update.type,
    status: update.status,
    observedGeneration: generation,
    lastTransitionTime:
      previous !== undefined && previous.status === update.status ? previous.lastTransitionTime : nowIso,
    reason: update.reason,
    message: boundedMessage(stableMessage(update.message)),
  };
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === update.type);
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

/** The current time as conditions carry it: RFC 3339, whole seconds (metav1.Time precision). */
export function conditionTime(nowMs: number = Date.now()): string {
  return new Date(Math.floor(nowMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
