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
  type ServerInterceptor,
  ServerListenerBuilder,
  type StatusObject,
} from '@grpc/grpc-js';
import { sleep } from '../../kit/sleep.js';
import { TributaryError } from '../../proto/errors.js';
import type { ProduceRequest__Output } from '../../proto/generated/tributary/v1/ProduceRequest.js';
import type { Identity } from '../security/authenticator.js';
import type { BrokerSecurity } from '../security/broker-security.js';
import { BROKER_PRINCIPAL_PREFIX } from '../security/inter-broker-credential.js';
import type { QuotaManager } from '../security/quota-manager.js';
import { type Access, RPC_RULES, UNAUTHENTICATED_PATHS } from '../security/rpc-access.js';
import type { QuotaKey } from '../security/security-records.js';
import { asTributaryError, toServiceError } from './errors.js';
import { produceRequestBytes } from './produce.js';
import { MalformedRequest } from './strict-service.js';

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

  /** Waits while the caller's bucket is in debt, then takes `amount`. */
  async admit(kind: QuotaKey, amount: number): Promise<void> {
    const q = this.quotas;
    if (q === undefined) return;
    const { principal, clientId } = this.identity;
    const holdMs = q.throttleMs(kind, principal, clientId);
    if (holdMs > 0) {
      this.countThrottle(kind, holdMs);
      await sleep(holdMs);
    }
    this.record(kind, amount);
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

export function securityInterceptor(security: BrokerSecurity): ServerInterceptor {
  const countThrottle = (kind: QuotaKey, ms: number) =>
    security.metrics.quotaThrottleSeconds.inc({ quota: kind }, ms / 1000);
  return (method, call) => {
    const path = method.path;
    if (UNAUTHENTICATED_PATHS.has(path)) return new ServerInterceptingCall(call);
    const rule = RPC_RULES.get(path);
    let access: Access | undefined;
    let quotas: CallQuotas | undefined;
    let ended = false;
    const fail = (err: unknown) => {
      if (ended) return;
      ended = true;
      call.sendStatus(toServiceError(asTributaryError(err)) as StatusObject);
    };
    const listener = new ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        void (async () => {
          if (rule === undefined) throw new TributaryError('INTERNAL', `no access rule for ${path}`);
          const identity = await security.authenticator.identify(
            metadata,
            call.getAuthContext(),
            call.getPeer(),
          );
          identities.set(metadata, identity);
          access = security.access(identity);
          const quotaFree = security.quotas.empty || identity.principal.startsWith(BROKER_PRINCIPAL_PREFIX);
          quotas = new CallQuotas(quotaFree ? undefined : security.quotas, identity, countThrottle);
          // A stream counts each of its requests (below); any other call counts once.
          if (!method.requestStream) await quotas.admit('request_rate', 1);
          next(metadata);
        })().catch(fail);
      })
      .withOnReceiveMessage((message, next) => {
        void (async () => {
          if (
            message instanceof MalformedRequest ||
            rule === undefined ||
            access === undefined ||
            quotas === undefined
          ) {
            next(message);
            return;
          }
          try {
            rule.check?.(message as never, access);
          } catch (err) {
            if (path !== PRODUCE_STREAM_PATH || !(err instanceof TributaryError)) throw err;
            next(new DeniedRequest((message as ProduceRequest__Output).request_id, err));
            return;
          }
          if (method.requestStream) await quotas.admit('request_rate', 1);
          if (PRODUCE_PATHS.has(path)) {
            await quotas.admit('producer_byte_rate', produceRequestBytes(message as ProduceRequest__Output));
          } else if (path === FETCH_PATH || path === SUBSCRIBE_PATH) {
            await quotas.admit('consumer_byte_rate', 0);
          }
          next(message);
        })().catch(fail);
      })
      .build();
    return new ServerInterceptingCall(call, {
      start: (next) => next(listener),
      sendMessage: (message, next) => {
        if (access !== undefined) rule?.filter?.(message as never, access);
        if (quotas === undefined || (path !== FETCH_PATH && path !== SUBSCRIBE_PATH)) {
          next(message);
          return;
        }
        const waitMs = quotas.record('consumer_byte_rate', responseBytes(message));
        // A Subscribe stream is paced here; a Fetch is answered at once and the client told to wait.
        if (path === SUBSCRIBE_PATH && waitMs > 0) setTimeout(() => next(message), waitMs);
        else next(message);
      },
      sendStatus: (status, next) => {
        ended = true;
        const throttleMs = quotas?.throttleMs ?? 0;
        if (throttleMs <= 0) {
          next(status);
          return;
        }
        const metadata = status.metadata ?? new Metadata();
        metadata.set(THROTTLE_METADATA_KEY, String(Math.ceil(throttleMs)));
        next({ ...status, metadata });
      },
    });
  };
}
