/**
 * The balancing step of a Cluster's reconcile, run before the StatefulSet is applied (it decides how many
 * brokers the StatefulSet may keep). The brokers' controller runs the balancer; the operator only tells it
 * what the Cluster asks for and reports what it does (docs/architecture.md, "Scaling the brokers"):
 *
 *   read       DescribeBalance (with the running plan's moves while a scale-down is under way); no answer
 *              means nothing changes this round: the StatefulSet keeps its count, Balanced is Unknown
 *   config     spec.balancing applied with AlterBalancingConfig when the brokers' config differs
 *   states     the scale plan (planning/scale-plan.ts): brokers made active again, then the going brokers
 *              marked leaving; a refusal (INSUFFICIENT_BROKERS) blocks the scale-down, with the reason
 *   request    the tributary.dev/rebalance annotation, once per value (planning/rebalance-request.ts)
 *   report     status.balancing, status.scaleDown, the Balanced condition; Events for plans started and
 *              finished, scale-downs started, blocked, completed or cancelled, config changes, requests
 *
 * A broker call that fails (other than the refusal) is the step's failure: the reconcile still applies
 * the objects (with the replicas the plan allows, which never count on a state not yet seen), then fails
 * and retries with back-off.
 */
import type { Logger } from 'pino';
import { type Admin, reasonOf, TributaryError } from '../../../client/index.js';
import { API_VERSION, CLUSTER_KIND, type Cluster } from '../../api/v1alpha1.js';
import { errorText } from '../../kube/api-error.js';
import type { EventRecorder } from '../../kube/event-recorder.js';
import {
  type BalanceEvent,
  type BalancingObservation,
  balancedCondition,
  balancingStatus,
  planEvents,
  scaleDownEvents,
} from '../../planning/balance-status.js';
import { balancingConfigChanges } from '../../planning/balancing-settings.js';
import { ANNOTATION_REBALANCE, rebalanceRequest } from '../../planning/rebalance-request.js';
import { resolveCluster } from '../../planning/resolved-cluster.js';
import {
  type BalanceView,
  blockedScale,
  planScale,
  type ScaleInputs,
  type ScalePlan,
} from '../../planning/scale-plan.js';

/** The admin calls this step makes (client/admin.ts). */
export type BalanceAdmin = Pick<
  Admin,
  'describeBalance' | 'alterBrokerStates' | 'rebalance' | 'cancelRebalance' | 'alterBalancingConfig'
>;

type Description = Awaited<ReturnType<Admin['describeBalance']>>;

export interface BalancingResult {
  /** Replicas the StatefulSet may have. */
  replicas: number;
  observation: BalancingObservation;
  /** A plan runs, a scale-down is under way, or this step acted: come back soon. */
  busy: boolean;
  /** The broker calls that failed (not a refusal), for the reconcile to report after applying. */
  failure: { step: 'Balancing'; message: string } | undefined;
}

export interface BalancingInputs {
  cluster: Cluster;
  /** The StatefulSet's spec.replicas, when it exists. */
  statefulSetReplicas: number | undefined;
  /** Ordinals of the broker pods that exist. */
  pods: readonly number[];
  /** The brokers' admin client; undefined when none can be reached (no broker ready). */
  admin: BalanceAdmin | undefined;
  nowIso: string;
}

/** Brokers named by unfinished moves of the running plan, or undefined when its moves were not asked. */
function planBrokers(description: Description, askedMoves: boolean): ReadonlySet<number> | undefined {
  const plan = description.current;
  if (plan === null) return new Set();
  if (!askedMoves || (plan.moves.length === 0 && plan.movesTotal > 0)) return undefined;
  const named = new Set<number>();
  for (const m of plan.moves) {
    if (m.state !== 'pending' && m.state !== 'running') continue;
    for (const id of [...m.from, ...m.to]) named.add(id);
  }
  return named;
}

function balanceView(description: Description, askedMoves: boolean): BalanceView {
  return {
    brokers: description.brokers.map((b) => ({
      id: b.brokerId,
      state: b.state,
      live: b.live,
      replicas: b.replicas,
      leaders: b.leaders,
    })),
    planBrokers: planBrokers(description, askedMoves),
  };
}

/** What one run of the step did: its Events, the calls that failed, whether it changed anything. */
class Round {
  readonly events: BalanceEvent[] = [];
  readonly failures: string[] = [];
  acted = false;

  /** Runs one broker call; a failure is noted (the step goes on) and answered as false. */
  async attempt(what: string, work: () => Promise<unknown>): Promise<boolean> {
    try {
      await work();
      this.acted = true;
      return true;
    } catch (err) {
      this.failures.push(`${what}: ${errorText(err)}`);
      return false;
    }
  }
}

export class BalancerSync {
  constructor(private readonly deps: { events: Pick<EventRecorder, 'record'>; log: Logger }) {}

  async sync(inputs: BalancingInputs): Promise<BalancingResult> {
    const { cluster } = inputs;
    const { spec } = resolveCluster(cluster);
    const scaleInputs: ScaleInputs = {
      wanted: spec.brokers,
      running: inputs.statefulSetReplicas,
      pods: inputs.pods,
      previous: cluster.status?.scaleDown,
      balance: undefined,
      nowIso: inputs.nowIso,
    };
    const scaling = (inputs.statefulSetReplicas ?? inputs.pods.length) > spec.brokers;
    let description: Description | undefined;
    if (inputs.admin !== undefined) {
      try {
        description = await inputs.admin.describeBalance({ includeMoves: scaling });
      } catch (err) {
        this.log(cluster).debug({ err: errorText(err) }, 'the brokers did not describe their balance');
      }
    }
    if (inputs.admin === undefined || description === undefined) {
      const plan = planScale(scaleInputs);
      return {
        replicas: plan.replicas,
        observation: {
          status: undefined,
          scaleDown: plan.status,
          condition: balancedCondition(undefined, plan.status, spec.balancing.mode),
          hold: plan.hold,
        },
        busy: plan.status !== undefined,
        failure: undefined,
      };
    }
    return this.act(inputs, { ...scaleInputs, balance: balanceView(description, scaling) }, description);
  }

  private async act(
    inputs: BalancingInputs,
    scaleInputs: ScaleInputs,
    description: Description,
  ): Promise<BalancingResult> {
    const { cluster } = inputs;
    const admin = inputs.admin!;
    const { spec } = resolveCluster(cluster);
    const round = new Round();

    const changes = balancingConfigChanges(spec.balancing, description.config);
    if (Object.keys(changes).length > 0) {
      if (await round.attempt('AlterBalancingConfig', () => admin.alterBalancingConfig(changes))) {
        round.events.push({
          type: 'Normal',
          reason: 'BalancingConfigChanged',
          note: `spec.balancing applied to the brokers: ${JSON.stringify(changes)}`,
        });
      }
    }

    const plan = await this.changeStates(admin, planScale(scaleInputs), scaleInputs, round);
    const handled = await this.request(cluster, admin, description, round);

    const previous = cluster.status?.balancing;
    const status = balancingStatus(description, handled);
    round.events.push(
      ...planEvents(previous, status),
      ...scaleDownEvents(cluster.status?.scaleDown, plan.status, spec.brokers),
    );
    this.record(cluster, round.events);
    return {
      replicas: plan.replicas,
      observation: {
        status,
        scaleDown: plan.status,
        condition: balancedCondition(status, plan.status, spec.balancing.mode),
        hold: plan.hold,
      },
      busy: round.acted || description.current !== null || plan.status !== undefined,
      failure:
        round.failures.length === 0 ? undefined : { step: 'Balancing', message: round.failures.join('; ') },
    };
  }

  /** Makes the plan's broker states: activations first (never refused), then the leaving ones. */
  private async changeStates(
    admin: BalanceAdmin,
    plan: ScalePlan,
    scaleInputs: ScaleInputs,
    round: Round,
  ): Promise<ScalePlan> {
    if (plan.activate.length > 0) {
      await round.attempt('AlterBrokerStates (active)', () =>
        admin.alterBrokerStates(plan.activate.map((brokerId) => ({ brokerId, state: 'active' as const }))),
      );
    }
    if (plan.leave.length === 0) return plan;
    let refusal: string | undefined;
    await round.attempt('AlterBrokerStates (leaving)', async () => {
      try {
        await admin.alterBrokerStates(
          plan.leave.map((brokerId) => ({ brokerId, state: 'leaving' as const })),
        );
      } catch (err) {
        if (!(err instanceof TributaryError && reasonOf(err) === 'INSUFFICIENT_BROKERS')) throw err;
        refusal = err.message;
      }
    });
    return refusal === undefined ? plan : blockedScale(plan, scaleInputs, refusal);
  }

  /** Acts on a new tributary.dev/rebalance value; answers the value handled (the previous one if none). */
  private async request(
    cluster: Cluster,
    admin: BalanceAdmin,
    description: Description,
    round: Round,
  ): Promise<string | undefined> {
    const handled = cluster.status?.balancing?.rebalanceRequest;
    const request = rebalanceRequest(cluster.metadata.annotations?.[ANNOTATION_REBALANCE], handled);
    if (request.kind === 'none') return handled;
    const running = description.current;
    const note = (reason: string, text: string, type: 'Normal' | 'Warning' = 'Normal') =>
      round.events.push({ type, reason, note: `${ANNOTATION_REBALANCE}=${request.value}: ${text}` });
    if (request.kind === 'cancel') {
      if (running === null) {
        note('RebalanceNotCancelled', 'no plan is running');
        return request.value;
      }
      const ok = await round.attempt('CancelRebalance', async () => {
        try {
          await admin.cancelRebalance();
          note('RebalanceCancelRequested', `plan ${running.id} (${running.reason}) is being cancelled`);
        } catch (err) {
          if (!(err instanceof TributaryError && reasonOf(err) === 'NO_REBALANCE_IN_PROGRESS')) throw err;
          note('RebalanceNotCancelled', 'no plan is running');
        }
      });
      return ok ? request.value : handled;
    }
    if (running !== null) {
      note('RebalanceNotStarted', `plan ${running.id} (${running.reason}) is running already`);
      return request.value;
    }
    const ok = await round.attempt('Rebalance', async () => {
      try {
        const plan = await admin.rebalance();
        if (plan.status === 'planned')
          note('RebalanceNotNeeded', 'the brokers are balanced: nothing to move');
        else note('RebalanceRequested', `plan ${plan.id} started: ${plan.movesTotal} moves`);
      } catch (err) {
        if (!(err instanceof TributaryError && reasonOf(err) === 'REBALANCE_IN_PROGRESS')) throw err;
        note('RebalanceNotStarted', err.message);
      }
    });
    return ok ? request.value : handled;
  }

  private record(cluster: Cluster, events: readonly BalanceEvent[]): void {
    const subject = { apiVersion: API_VERSION, kind: CLUSTER_KIND, metadata: cluster.metadata };
    for (const e of events) {
      this.deps.events.record(subject, e.type, e.reason, 'Balancing', e.note);
      this.log(cluster).info({ reason: e.reason }, e.note);
    }
  }

  private log(cluster: Cluster): Logger {
    return this.deps.log.child({ cluster: `${cluster.metadata.namespace}/${cluster.metadata.name}` });
  }
}
