/**
 * Of several objects claiming one thing in the brokers (Topics one broker topic, Users one principal), the
 * owner is the oldest: creation time, then name. Pure. The owner stays the owner while its deletion (its
 * finalizer) runs, so a younger claimant never takes over something that is still being torn down.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';

export interface Claimant {
  metadata: V1ObjectMeta;
}

function creationMs(obj: Claimant): number {
  const t = obj.metadata.creationTimestamp as unknown;
  return t === undefined ? 0 : new Date(t as string).getTime();
}

/**
 * The name of a claimant older than `mine` among `others` (the other objects with the same claim; `mine`
 * itself, by uid, is skipped), or undefined when `mine` owns the claim. Objects being deleted count only
 * while they hold `finalizer`.
 */
export function olderClaimant(
  mine: Claimant,
  others: Iterable<Claimant>,
  finalizer: string,
): string | undefined {
  const me = [creationMs(mine), mine.metadata.name ?? ''] as const;
  for (const other of others) {
    if (other.metadata.uid === mine.metadata.uid) continue;
    if (other.metadata.deletionTimestamp !== undefined && !other.metadata.finalizers?.includes(finalizer))
      continue;
    const them = [creationMs(other), other.metadata.name ?? ''] as const;
    if (them[0] < me[0] || (them[0] === me[0] && them[1] < me[1])) return other.metadata.name;
  }
  return undefined;
}
