import { EventEmitter } from 'node:events';
import { TributaryError } from '../../proto/errors.js';
import { type Dcs, type DcsEvent, type DcsSession, DcsSessionEndedError } from '../dcs/dcs.js';
import type { Logger } from '../logger.js';
import {
  CONTROLLER_EPOCH_KEY,
  CONTROLLER_KEY,
  type ControllerRecord,
  type LiveBroker,
} from '../metadata/keys.js';

/** What the controller needs from broker/cluster/membership.ts (a Membership satisfies it). */
export interface ControllerMembership {
  readonly brokerId: number;
  /** The current session; throws while the broker is not registered. */
  readonly session: DcsSession;
  liveBrokers(): LiveBroker[];
  /** Events used: 'brokers' (live set changed), 'session' (new session), 'session-lost'. */
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** One tenure as controller. Every write of the tenure is guarded by `keyVersion`. */
export interface ControllerTerm {
  readonly epoch: number;
  /** Version of the `controller` key this broker created. */
  readonly keyVersion: number;
  readonly session: DcsSession;
}

/**
 * Campaigning for the `controller` key (docs/architecture.md, decision 3).
 *
 * Whenever the key is absent and this broker holds a live session: read `controller-epoch` (absent: 0),
 * create `controller` = {brokerId, epoch: prev + 1} with expected version 0 under the membership session (so
 * the key vanishes with the session), then compare-and-set `controller-epoch` to prev + 1 guarded by the new
 * key's version. If that last step loses a race (another controller bumped the epoch in between), the key
 * is given back and the campaign starts over, so no two terms share an epoch.
 *
 * A term ends at once, before anything else can happen on this broker's behalf, when the session is lost,
 * the key is deleted or rewritten by anyone, or the owner reports a failed guard (`depose`).
 *
 * Events: 'elected' (ControllerTerm), 'deposed' (ControllerTerm, reason: string).
 */
export class ControllerElection extends EventEmitter {
  private current: ControllerTerm | undefined;
  /** Highest version of a change to the `controller` key seen by the watch (a put or delete). */
  private keyChangeVersion = 0;
  private campaigning = false;
  private campaignAgain = false;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private readonly onSession = (): void => void this.campaign();
  private readonly onSessionLost = (): void => this.depose('session lost');

  constructor(
    private readonly dcs: Dcs,
    private readonly membership: ControllerMembership,
    private readonly logger: Logger,
    private readonly retryBackoffMs: number,
  ) {
    super();
  }

  get term(): ControllerTerm | undefined {
    return this.current;
  }

  async start(): Promise<void> {
    this.unwatch = await this.dcs.watch(CONTROLLER_KEY, (e) => {
      if (e.key === CONTROLLER_KEY) this.onControllerKey(e);
    });
    this.membership.on('session', this.onSession);
    this.membership.on('session-lost', this.onSessionLost);
    await this.campaign();
  }

  /** Ends the term (if any) and gives the key back; no further campaigns. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.membership.off('session', this.onSession);
    this.membership.off('session-lost', this.onSessionLost);
    this.unwatch?.();
    const term = this.current;
    this.depose('stopping');
    if (term !== undefined) {
      await this.dcs.compareAndDelete(CONTROLLER_KEY, term.keyVersion).catch((err: unknown) => {
        this.logger.warn({ err }, 'could not delete the controller key; it goes with the session');
      });
    }
  }

  /** Ends the current term now (no write of it may follow). */
  depose(reason: string): void {
    const term = this.current;
    if (term === undefined) return;
    this.current = undefined;
    this.logger.warn({ controllerEpoch: term.epoch, reason }, 'no longer the controller');
    this.emit('deposed', term, reason);
  }

  /** Single flight: a trigger during a campaign runs one more campaign after it. */
  async campaign(): Promise<void> {
    if (this.campaigning) {
      this.campaignAgain = true;
      return;
    }
    this.campaigning = true;
    try {
      do {
        this.campaignAgain = false;
        await this.campaignOnce().catch((err: unknown) => {
          // An ended session is not worth retrying: the membership's next 'session' event brings us back.
          if (err instanceof DcsSessionEndedError) return;
          this.logger.warn({ err }, 'controller campaign failed; retrying');
          this.retryLater();
        });
      } while (this.campaignAgain);
    } finally {
      this.campaigning = false;
    }
  }

  private async campaignOnce(): Promise<void> {
    if (this.stopped || this.current !== undefined) return;
    let session: DcsSession;
    try {
      session = this.membership.session;
    } catch {
      return; // not registered yet: the 'session' event brings us back
    }
    if (session.lost.aborted) return;
    const held = await this.dcs.get(CONTROLLER_KEY);
    if (held !== null) {
      // A key naming this broker while it is not the controller is left from a campaign of ours that
      // failed halfway (the epoch bump threw, or the create's answer was lost): nobody else will ever
      // delete it while our session lives, so give it back and campaign again.
      if (parseHolder(held.value) === this.membership.brokerId) {
        await this.dcs.compareAndDelete(CONTROLLER_KEY, held.version);
        this.campaignAgain = true;
      }
      return; // held by another broker: the key's deletion brings us back
    }
    const epochEntry = await this.dcs.get(CONTROLLER_EPOCH_KEY);
    const previous = epochEntry === null ? 0 : parseEpoch(epochEntry.value);
    const epoch = previous + 1;
    const record: ControllerRecord = { brokerId: this.membership.brokerId, epoch };
    const created = await this.dcs.compareAndSet(
      CONTROLLER_KEY,
      Buffer.from(JSON.stringify(record), 'utf8'),
      0,
      { session },
    );
    if (!created.ok) {
      // Another broker won, or our own create landed and its answer was lost (the key names us then:
      // the next campaign gives it back).
      this.campaignAgain = true;
      return;
    }
    let bumped: Awaited<ReturnType<Dcs['compareAndSet']>>;
    try {
      bumped = await this.dcs.compareAndSet(
        CONTROLLER_EPOCH_KEY,
        Buffer.from(JSON.stringify(epoch), 'utf8'),
        epochEntry?.version ?? 0,
        { guard: { key: CONTROLLER_KEY, version: created.version } },
      );
    } catch (err) {
      // Half a campaign: give the key back so the cluster is not left without a controller.
      await this.dcs.compareAndDelete(CONTROLLER_KEY, created.version).catch(() => undefined);
      this.campaignAgain = true;
      throw err;
    }
    if (!bumped.ok) {
      if (!bumped.guardFailed) {
        // The epoch moved under us: give the key back and run again with a fresh read.
        await this.dcs.compareAndDelete(CONTROLLER_KEY, created.version).catch(() => undefined);
        this.campaignAgain = true;
      }
      return;
    }
    if (this.stopped || session.lost.aborted || this.keyChangeVersion > created.version) {
      // Lost it between the two writes (the watch saw a later change of the key).
      await this.dcs.compareAndDelete(CONTROLLER_KEY, created.version).catch(() => undefined);
      return;
    }
    const term: ControllerTerm = { epoch, keyVersion: created.version, session };
    this.current = term;
    session.lost.addEventListener('abort', () => this.current === term && this.depose('session lost'), {
      once: true,
    });
    this.logger.info({ controllerEpoch: epoch, keyVersion: created.version }, 'elected controller');
    this.emit('elected', term);
  }

  private onControllerKey(e: DcsEvent): void {
    const term = this.current;
    if (e.version <= this.keyChangeVersion || e.version === term?.keyVersion) return; // repeat, or our own put
    this.keyChangeVersion = e.version;
    if (term !== undefined && e.version > term.keyVersion) {
      this.depose(e.type === 'delete' ? 'controller key deleted' : 'controller key taken over');
    }
    if (e.type === 'delete') void this.campaign();
  }

  private retryLater(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.campaign(), this.retryBackoffMs);
    this.retryTimer.unref();
  }
}

/** The broker id a `controller` value names, or -1 when it is unreadable. */
function parseHolder(raw: Buffer): number {
  try {
    const id = (JSON.parse(raw.toString('utf8')) as ControllerRecord).brokerId;
    return Number.isInteger(id) ? id : -1;
  } catch {
    return -1;
  }
}

function parseEpoch(value: Buffer): number {
  const epoch = JSON.parse(value.toString('utf8')) as unknown;
  if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch) || epoch < 0) {
    throw new Error(`${CONTROLLER_EPOCH_KEY} holds ${value.toString('utf8')}, not an epoch`);
  }
  return epoch;
}

export function notController(): TributaryError {
  return new TributaryError('NOT_CONTROLLER', 'this broker is not the active controller');
}
