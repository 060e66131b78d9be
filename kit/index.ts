/** The shared kit: small helpers every room of the repository uses (docs/architecture.md, "Shared kit"). */
export {
  type AtomicWriteOptions,
  syncDirectory,
  writeFileAtomic,
  writeFileAtomicSync,
} from './atomic-file.js';
export { type BackoffPolicy, backoffDelayMs } from './backoff.js';
export { MetricSet } from './metric-set.js';
export { KeyedLanes, SerialLane } from './serial-lane.js';
export { abortable, abortReason, sleep } from './sleep.js';
export { TokenBucket } from './token-bucket.js';
