import { EventEmitter } from 'node:events';
import { type BackoffPolicy, backoffDelayMs } from '../../kit/backoff.js';
import { sleep } from '../../kit/sleep.js';
import type { Dcs, DcsEvent, DcsSession } from '../dcs/dcs.js';
import type { Logger } from '../logger.js';
import {
  BROKERS_PREFIX,
  type BrokerRegistration,
  brokerKey,
  CONTROLLER_KEY,
  type ControllerRecord,
  type LiveBroker,
} from '../metadata/keys.js';

/** Pause after losing a compare-and-set race for our registration key (at most 20 races). */
const REGISTRATION_RACE_BACKOFF: BackoffPolicy = { baseMs: 50, maxMs: 500 };
/** Broker epochs of this process remembered (the newest); an older one is no longer recognised as ours. */
const OWN_EPOCHS_MAX = 64;

export interface RegistrationOptions {
  sessionTtlMs: number;
  logger: Logger;
  /** Pause between attempts to re-register after the session was lost. */
  retryBackoffMs?: number;
}

/**
 * This broker's registration in the DCS and its view of the others.
 *
 * The broker registers `brokers/<id>` under a session; the key's version is its broker epoch, which
 * changes with every new registration (restart, or a session lost during a pause or partition), so
 * requests from an earlier incarnation can be refused. When the session is lost the broker re-registers
 * with a new session and a new epoch, and emits 'session' so the controller candidate campaigns again.
 *
 * It also keeps the list of live brokers and the current controller record, from watches, and every
 * broker's last known registration (kept after it lapses: during a DCS outage a broker whose registration
 * expired is usually still there, at the same address).
 *
 * Events: 'brokers' (the live set changed), 'controller' (ControllerRecord | null), 'session'
 * (DcsSession: a new session is in place), 'session-lost'.
 */
export class Membership extends EventEmitter {
  private readonly live = new Map<number, LiveBroker>();
  /** The newest registration seen of every broker, live or not. */
  private readonly known = new Map<number, LiveBroker>();
  /** The broker epochs this process registered under, oldest first (at most OWN_EPOCHS_MAX). */
  private readonly ownEpochs: number[] = [];
  private controllerRecord: ControllerRecord | null = null;
  /** The newest version of the `controller` key seen, deletions included. */
  private controllerSeen = 0;
  private currentSession: DcsSession | undefined;
  private epoch = 0;
  private stopped = false;
  private unwatch: Array<() => void> = [];

  private constructor(
    private readonly dcs: Dcs,
    private registration: BrokerRegistration,
    private readonly options: RegistrationOptions,
  ) {
    super();
  }

  static async start(
    dcs: Dcs,
    registration: BrokerRegistration,
    options: RegistrationOptions,
  ): Promise<Membership> {
    const m = new Membership(dcs, registration, options);
    // Watch first, then read; events that arrive while the reads are in flight wait until they are
    // applied, so an older read can never bring back a broker or controller a newer event removed.
    let pending: DcsEvent[] | undefined = [];
    const route = (e: DcsEvent) => {
      if (e.key === CONTROLLER_KEY) m.onControllerEvent(e);
      else if (e.key.startsWith(BROKERS_PREFIX)) m.onBrokerEvent(e);
    };
    const onEvent = (e: DcsEvent) => {
      if (pending !== undefined) pending.push(e);
      else route(e);
    };
    m.unwatch.push(await dcs.watch(BROKERS_PREFIX, onEvent));
    m.unwatch.push(await dcs.watch(CONTROLLER_KEY, onEvent));
    for (const entry of await dcs.list(BROKERS_PREFIX)) {
      m.onBrokerEvent({ type: 'put', key: entry.key, value: entry.value, version: entry.version });
    }
    const controller = await dcs.get(CONTROLLER_KEY);
    if (controller !== null) {
      m.onControllerEvent({
        type: 'put',
        key: CONTROLLER_KEY,
        value: controller.value,
        version: controller.version,
      });
    }
    const queued = pending;
    pending = undefined;
    for (const e of queued) route(e);
    await m.register();
    return m;
  }

  get brokerId(): number {
    return this.registration.id;
  }

  /** The version of this broker's current registration. */
  get brokerEpoch(): number {
    return this.epoch;
  }

  get session(): DcsSession {
    if (this.currentSession === undefined) throw new Error('not registered');
    return this.currentSession;
  }

  liveBrokers(): LiveBroker[] {
    return [...this.live.values()].sort((a, b) => a.id - b.id);
  }

  broker(id: number): LiveBroker | undefined {
    return this.live.get(id);
  }

  /** Broker `id`'s newest registration seen, even if it has lapsed since. */
  lastKnown(id: number): LiveBroker | undefined {
    return this.live.get(id) ?? this.known.get(id);
  }

  /**
   * Whether `epoch` is one this process registered under: the current one, or an earlier one whose
   * session lapsed and was renewed (the same process, so the same log and memory).
   */
  ownsEpoch(epoch: number): boolean {
    return this.ownEpochs.includes(epoch);
  }

  controller(): ControllerRecord | null {
    return this.controllerRecord;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const u of this.unwatch) u();
    this.unwatch = [];
    await this.currentSession?.close().catch(() => undefined);
  }

  private async register(): Promise<void> {
    const session = await this.dcs.openSession(this.options.sessionTtlMs);
    const key = brokerKey(this.registration.id);
    this.registration = { ...this.registration, registeredAtMs: Date.now() };
    try {
      for (let attempt = 0; ; attempt++) {
        if (session.lost.aborted) throw new Error('the new session was lost while registering');
        const existing = await this.dcs.get(key);
        const result = await this.dcs.compareAndSet(key, encode(this.registration), existing?.version ?? 0, {
          session,
        });
        if (result.ok) {
          this.epoch = result.version;
          this.ownEpochs.push(result.version);
          if (this.ownEpochs.length > OWN_EPOCHS_MAX) this.ownEpochs.shift();
          break;
        }
        if (attempt >= 20) throw new Error(`registration of ${key} kept racing`);
        await sleep(backoffDelayMs(attempt + 1, REGISTRATION_RACE_BACKOFF));
      }
    } catch (err) {
      // Never leave a session behind that nothing uses (it would be renewed forever).
      await session.close().catch(() => undefined);
      throw err;
    }
    this.currentSession = session;
    this.options.logger.info({ brokerEpoch: this.epoch, session: session.id }, 'registered in the cluster');
    // Listening now is enough even if it was lost a moment ago: an aborted signal fires at once here.
    if (session.lost.aborted) void this.onSessionLost(session);
    else session.lost.addEventListener('abort', () => void this.onSessionLost(session), { once: true });
    this.emit('session', session);
  }

  private async onSessionLost(session: DcsSession): Promise<void> {
    if (this.stopped || session !== this.currentSession) return;
    this.options.logger.warn({ session: session.id }, 'DCS session lost; registering again');
    this.emit('session-lost');
    const backoff = this.options.retryBackoffMs ?? 500;
    while (!this.stopped) {
      try {
        await this.register();
        return;
      } catch (err) {
        this.options.logger.warn({ err }, 'registration failed; retrying');
        await sleep(backoff);
      }
    }
  }

  private onBrokerEvent(e: DcsEvent): void {
    const id = Number(e.key.slice(BROKERS_PREFIX.length));
    if (!Number.isInteger(id)) return;
    const known = this.live.get(id);
    if (e.type === 'delete') {
      if (known === undefined || known.epoch > e.version) return;
      this.live.delete(id);
    } else {
      if (known !== undefined && known.epoch >= e.version) return;
      const reg = parseJson<BrokerRegistration>(e.value);
      if (reg === undefined || typeof reg.host !== 'string' || !Number.isInteger(reg.port)) {
        this.options.logger.warn({ key: e.key }, 'ignoring an unreadable broker registration');
        return;
      }
      this.live.set(id, { ...reg, epoch: e.version });
      this.known.set(id, { ...reg, epoch: e.version });
    }
    this.emit('brokers', this.liveBrokers());
  }

  private onControllerEvent(e: DcsEvent): void {
    // Ordered by the newest change seen, deletions included, so a late older value is never re-applied.
    if (this.controllerSeen >= e.version) return;
    this.controllerSeen = e.version;
    if (e.type === 'delete') {
      this.controllerRecord = null;
    } else {
      const record = parseJson<ControllerRecord>(e.value);
      if (record === undefined || !Number.isInteger(record.brokerId)) {
        this.options.logger.warn({ key: e.key }, 'ignoring an unreadable controller record');
        return;
      }
      this.controllerRecord = record;
    }
    this.emit('controller', this.controllerRecord);
  }
}

function parseJson<T>(raw: Buffer): T | undefined {
  try {
    return JSON.parse(raw.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

function encode(reg: BrokerRegistration): Buffer {
  return Buffer.from(JSON.stringify(reg), 'utf8');
}
