/**
 * Security for every call, in one place before any handler runs (docs/architecture.md, "Security"): a
 * gRPC server interceptor, first in the chain, that
 *
 * 1. authenticates the call from its metadata and transport (Authenticator) and refuses it with
 *    UNAUTHENTICATED before the handler starts; the identity is kept for the handler (`identityOf`);
 * 2. applies the method's access rule (security/rpc-access.ts) to every request message: a denied unary
 *    or server-streaming call is answered PERMISSION_DENIED with the operation and resource; a denied
 *    ProduceStream request becomes a `DeniedRequest` that the stream answers in band, so other topics on
 *    the same stream go on; listings are filtered on their way out;
 * 3. enforces quotas: a request waits while its caller's bucket is in debt (request rate, produce bytes,
 *    fetch bytes), usage is taken as it is known, and the time the client should now wait travels back as
 *    the `tributary-throttle-ms` trailer (Subscribe streams are paced message by message instead).
 *
 * Health probes and Authenticate itself need no identity. A method without a rule is refused (INTERNAL):
 * a new RPC cannot be served unchecked by accident.
 */
import {
  Metadata,
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  ServerListenerBuilder,
  type ServerMethodDefinition,
  type StatusObject,
} from '@grpc/grpc-js';
import { sleep } from '../../kit/sleep.js';

import { TributaryError } from '../../proto/errors.js';
import type { ProduceRequest__Output } from '../../proto/generated/tributary/v1/ProduceRequest.js';
import type { Identity } from '../security/authenticator.js';
import type { BrokerSecurity } from '../security/broker-security.js';
import { BROKER_PRINCIPAL_PREFIX } from '../security/inter-broker-credential.js';
import type { QuotaManager } from '../security/quota-manager.js';
import { type Access, RPC_RULES, type RpcRule, UNAUTHENTICATED_PATHS } from '../security/rpc-access.js';
import type { QuotaKey } from '../security/security-records.js';
import { asTributaryError, toServiceError } from './errors.js';
import { produceRequestBytes } from './produce.js';
import { MalformedRequest } from './strict-service.js';

/** grpc-js's PartialStatusObject (not exported): what a status responder is handed. */
type PartialStatus = Parameters<ServerInterceptingCallInterface['sendStatus']>[0];

export const THROTTLE_METADATA_KEY = 'tributary-throttle-ms';

const PRODUCE_PATHS = new Set([
  '/tributary.v1.ClientService/Produce',
  '/tributary.v1.ClientService/ProduceStream',
]);
const PRODUCE_STREAM_PATH = '/tributary.v1.ClientService/ProduceStream';
const FETCH_PATH = '/tributary.v1.ClientService/Fetch';
const SUBSCRIBE_PATH = '/tributary.v1.ClientService/Subscribe';
/** Bytes counted for a plain record in a response (its batch size is not known here). */
const RECORD_BYTES = 64;

/** A ProduceStream request the ACLs refused: the stream answers it with `error` under its request id. */
export class DeniedRequest {
  constructor(
    readonly requestId: number,
    readonly error: TributaryError,
  ) {}
}

const identities = new WeakMap<Metadata, Identity>();

/** The identity the interceptor authenticated for a call (handlers read it from the call's metadata). */
export function identityOf(call: { metadata: Metadata }): Identity {
  const identity = identities.get(call.metadata);
  if (identity === undefined) throw new TributaryError('INTERNAL', 'the call has no authenticated identity');
  return identity;
}

interface PartitionPayload {
  batches?: { length: number } | string;
  records?: unknown[];
}

/** Record bytes in a Fetch or Subscribe response as the handler built it. */
function responseBytes(message: unknown): number {
  const one = (p: PartitionPayload) => (p.batches?.length ?? 0) + (p.records?.length ?? 0) * RECORD_BYTES;
  const m = message as PartitionPayload & { topics?: Array<{ partitions?: PartitionPayload[] }> };
  if (m.topics === undefined) return one(m);
  let bytes = 0;
  for (const t of m.topics) for (const p of t.partitions ?? []) bytes += one(p);
  return bytes;
}

/** One call's quota accounting: holds it while in debt, and remembers the longest wait to tell. */
class CallQuotas {
  throttleMs = 0;

  constructor(
    private readonly quotas: QuotaManager | undefined,
    private readonly identity: Identity,
    private readonly countThrottle: (kind: QuotaKey, ms: number) => void,
  ) {}

  /**
   * Takes `amount` once the caller's bucket is out of debt: at once (undefined) when it is, else after
   * holding the call that long (the promise).
   */
  admit(kind: QuotaKey, amount: number): Promise<void> | undefined {
    const q = this.quotas;
    if (q === undefined) return undefined;
    const holdMs = q.throttleMs(kind, this.identity.principal, this.identity.clientId);
    if (holdMs <= 0) {
      this.record(kind, amount);
      return undefined;
    }
    this.countThrottle(kind, holdMs);
    return sleep(holdMs).then(() => {
      this.record(kind, amount);
    });
  }

  /** Takes `amount` and answers how long the client should now wait. */
  record(kind: QuotaKey, amount: number): number {
    const q = this.quotas;
    if (q === undefined) return 0;
    const waitMs = q.record(kind, this.identity.principal, this.identity.clientId, amount);
    if (waitMs > 0) this.countThrottle(kind, waitMs);
    this.throttleMs = Math.max(this.throttleMs, waitMs);
    return waitMs;
  }
}

type Step = () => Promise<void> | undefined;

/** One call through the interceptor: its identity, rights and quota accounting. */
class SecuredCall {
  private access: Access | undefined;
  private quotas: CallQuotas | undefined;
  private ended = false;
  private readonly rule: RpcRule | undefined;

  constructor(
    private readonly security: BrokerSecurity,
    private readonly method: ServerMethodDefinition<unknown, unknown>,
    private readonly call: ServerInterceptingCallInterface,
    private readonly countThrottle: (kind: QuotaKey, ms: number) => void,
  ) {
    this.rule = RPC_RULES.get(method.path);
  }

  private get path(): string {
    return this.method.path;
  }

  fail(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.call.sendStatus(toServiceError(asTributaryError(err)) as StatusObject);
  }

  /** Runs the steps in order, synchronously while none has to wait; then `done`, or `fail`. */
  private inOrder(steps: Step[], done: () => void): void {
    try {
      for (let i = 0; i < steps.length; i++) {
        const waiting = steps[i]!();
        if (waiting !== undefined) {
          waiting.then(
            () => this.inOrder(steps.slice(i + 1), done),
            (err: unknown) => this.fail(err),
          );
          return;
        }
      }
      done();
    } catch (err) {
      this.fail(err);
    }
  }

  onMetadata(metadata: Metadata, next: (metadata: Metadata) => void): void {
    if (this.rule === undefined) {
      this.fail(new TributaryError('INTERNAL', `no access rule for ${this.path}`));
      return;
    }
    const admitted = (identity: Identity) => {
      identities.set(metadata, identity);
      this.access = this.security.access(identity);
      const quotaFree = this.security.quotas.empty || identity.principal.startsWith(BROKER_PRINCIPAL_PREFIX);
      const quotas = new CallQuotas(
        quotaFree ? undefined : this.security.quotas,
        identity,
        this.countThrottle,
      );
      this.quotas = quotas;
      // A stream counts each of its requests (onMessage); any other call counts once.
      const steps: Step[] = this.method.requestStream ? [] : [() => quotas.admit('request_rate', 1)];
      this.inOrder(steps, () => next(metadata));
    };
    const { authenticator } = this.security;
    // No mechanism configured: everyone is anonymous, decided without waiting.
    const anonymous = authenticator.anonymous(metadata, this.call.getPeer());
    if (anonymous !== undefined) admitted(anonymous);
    else
      authenticator
        .identify(metadata, this.call.getAuthContext(), this.call.getPeer())
        .then(admitted, (err: unknown) => this.fail(err));
  }

  onMessage(message: unknown, next: (message: unknown) => void): void {
    const { access, quotas, path } = this;
    if (message instanceof MalformedRequest || access === undefined || quotas === undefined) {
      next(message);
      return;
    }
    try {
      this.rule?.check?.(message as never, access);
    } catch (err) {
      if (path === PRODUCE_STREAM_PATH && err instanceof TributaryError)
        next(new DeniedRequest((message as ProduceRequest__Output).request_id, err));
      else this.fail(err);
      return;
    }
    const steps: Step[] = [];
    if (this.method.requestStream) steps.push(() => quotas.admit('request_rate', 1));
    if (PRODUCE_PATHS.has(path)) {
      steps.push(() =>
        quotas.admit('producer_byte_rate', produceRequestBytes(message as ProduceRequest__Output)),
      );
    } else if (path === FETCH_PATH || path === SUBSCRIBE_PATH) {
      steps.push(() => quotas.admit('consumer_byte_rate', 0));
    }
    this.inOrder(steps, () => next(message));
  }

  sendMessage(message: unknown, next: (message: unknown) => void): void {
    const { access, quotas, path } = this;
    if (access !== undefined) this.rule?.filter?.(message as never, access);
    if (quotas === undefined || (path !== FETCH_PATH && path !== SUBSCRIBE_PATH)) {
      next(message);
      return;
    }
    const waitMs = quotas.record('consumer_byte_rate', responseBytes(message));
    // A Subscribe stream is paced here; a Fetch is answered at once and the client told to wait.
    if (path === SUBSCRIBE_PATH && waitMs > 0) setTimeout(() => next(message), waitMs);
    else next(message);
  }

  sendStatus(status: PartialStatus, next: (status: PartialStatus) => void): void {
    this.ended = true;
    const throttleMs = this.quotas?.throttleMs ?? 0;
    if (throttleMs <= 0) {
      next(status);
      return;
    }
    const metadata = status.metadata ?? new Metadata();
    metadata.set(THROTTLE_METADATA_KEY, String(Math.ceil(throttleMs)));
    next({ ...status, metadata });
  }
}

export function securityInterceptor(security: BrokerSecurity): ServerInterceptor {
  const countThrottle = (kind: QuotaKey, ms: number) =>
    security.metrics.quotaThrottleSeconds.inc({ quota: kind }, ms / 1000);
  return (method, call) => {
    if (UNAUTHENTICATED_PATHS.has(method.path)) return new ServerInterceptingCall(call);
    const secured = new SecuredCall(security, method, call, countThrottle);
    const listener = new ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => secured.onMetadata(metadata, next))
      .withOnReceiveMessage((message, next) => secured.onMessage(message, next))
      .build();
    return new ServerInterceptingCall(call, {
      start: (next) => next(listener),
      sendMessage: (message, next) => secured.sendMessage(message, next),
      sendStatus: (status, next) => secured.sendStatus(status, next),
    });
  };
}
