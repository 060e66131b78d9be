import { SerialLane } from '../../kit/serial-lane.js';
import { TributaryError } from '../../proto/errors.js';

/**
 * Runs the controller's events one at a time, in arrival order: reconciliations, AlterPartition,
 * elections, reassignments and topic changes never interleave, so each one plans against the state the
 * previous one left. Bounded: past `lengthMax` waiting items a new one is refused (TOO_MANY_REQUESTS).
 */
export class ControllerEventQueue {
  private readonly lane = new SerialLane();
  /** Events queued and not started yet (the bound counts these, not the one running). */
  private waiting = 0;

  constructor(private readonly lengthMax: number) {}

  get length(): number {
    return this.waiting;
  }

  push<T>(work: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.lengthMax) {
      return Promise.reject(
        new TributaryError('TOO_MANY_REQUESTS', `controller queue is full (${this.lengthMax} waiting)`),
      );
    }
    this.waiting++;
    return this.lane.run(() => {
      this.waiting--;
      return work();
    });
  }

  /** Resolves once everything queued so far has finished. */
  drain(): Promise<void> {
    return this.lane.idle();
  }
}
