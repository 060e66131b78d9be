import { EventEmitter } from 'node:events';
import type { Dcs, DcsEvent, DcsSession } from '../dcs/dcs.js';
import type { Logger } from '../logger.js';
import {
  BROKERS_PREFIX,
  type BrokerRegistration,
  brokerKey,
  CONTROLLER_KEY,
  type ControllerRecord,
  type LiveBroker,
} from './keys.js';

export interface MembershipOptions {
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
 * It also keeps the list of live brokers and the current controller record, from watches.
 *
 * Events: 'brokers' (the live set changed), 'controller' (ControllerRecord | null), 'session'
 * (DcsSession: a new session is in place), 'session-lost'.
 */
export class Membership extends EventEmitter {
  private readonly live = new Map<number, LiveBroker>();
  private controllerRecord: ControllerRecord | null = null;
  private controllerVersion = 0;
  private currentSession: DcsSession | undefined;
  private epoch = 0;
  private stopped = false;
  private unwatch: Array<() => void> = [];

  private constructor(
    private readonly dcs: Dcs,
    private registration: BrokerRegistration,
    private readonly options: MembershipOptions,
  ) {
    super();
  }

  static async start(
    dcs: Dcs,
    registration: BrokerRegistration,
    options: MembershipOptions,
  ): Promise<Membership> {
    const m = new Membership(dcs, registration, options);
    m.unwatch.push(await dcs.watch(BROKERS_PREFIX, (e) => m.onBrokerEvent(e)));
    m.unwatch.push(
      await dcs.watch(CONTROLLER_KEY, (e) => {
        if (e.key === CONTROLLER_KEY) m.onControllerEvent(e);
      }),
    );
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

  get self(): BrokerRegistration {
    return this.registration;
  }

  liveBrokers(): LiveBroker[] {
    return [...this.live.values()].sort((a, b) => a.id - b.id);
  }

  broker(id: number): LiveBroker | undefined {
    return this.live.get(id);
  }

  isAlive(id: number, epoch?: number): boolean {
    const b = this.live.get(id);
    return b !== undefined && (epoch === undefined || b.epoch === epoch);
  }

  controller(): ControllerRecord | null {
    return this.controllerRecord;
  }

  /** The version of the `controller` key as last seen (0: none). */
  get controllerKeyVersion(): number {
    return this.controllerVersion;
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
    for (;;) {
      const existing = await this.dcs.get(key);
      const result = await this.dcs.compareAndSet(key, encode(this.registration), existing?.version ?? 0, {
        session,
      });
      if (result.ok) {
        this.epoch = result.version;
        break;
      }
    }
    this.currentSession = session;
    this.options.logger.info({ brokerEpoch: this.epoch, session: session.id }, 'registered in the cluster');
    session.lost.addEventListener('abort', () => void this.onSessionLost(session), { once: true });
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
        await new Promise((r) => setTimeout(r, backoff));
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
      const reg = JSON.parse(e.value.toString('utf8')) as BrokerRegistration;
      this.live.set(id, { ...reg, epoch: e.version });
    }
    this.emit('brokers', this.liveBrokers());
  }

  private onControllerEvent(e: DcsEvent): void {
    if (e.type === 'delete') {
      if (this.controllerVersion > e.version) return;
      this.controllerRecord = null;
      this.controllerVersion = 0;
    } else {
      if (this.controllerVersion >= e.version) return;
      this.controllerRecord = JSON.parse(e.value.toString('utf8')) as ControllerRecord;
      this.controllerVersion = e.version;
    }
    this.emit('controller', this.controllerRecord);
  }
}

function encode(reg: BrokerRegistration): Buffer {
  return Buffer.from(JSON.stringify(reg), 'utf8');
}
