/**
 * The partition balancer's vocabulary (docs/architecture.md, "Partition balancing"). The planner
 * (`planner.ts`) is a pure function from a `BalanceInput` to a `BalancePlan`; the executor runs the plan
 * through the controller's reassignment machinery.
 */

/**
 * - `active`: takes new replicas and keeps its own.
 * - `cordoned`: keeps what it holds but takes no new replicas (the planner moves none onto it).
 * - `leaving`: takes nothing and must be emptied (every replica and leadership moved off) before removal.
 */
export type BrokerBalanceState = 'active' | 'cordoned' | 'leaving';

export interface BalanceBroker {
  readonly id: number;
  /** '' when the broker has no rack. */
  readonly rack: string;
  readonly state: BrokerBalanceState;
}

export interface BalancePartition {
  readonly topic: string;
  readonly partition: number;
  /** The current assignment; `replicas[0]` is the preferred leader. */
  readonly replicas: readonly number[];
  /** The current leader, -1 when offline. */
  readonly leader: number;
  /** Size on disk as the leader measures it (bytes). */
  readonly sizeBytes: number;
  /** The topic's replication factor; defaults to `replicas.length`. */
  readonly replicationFactor?: number;
}

export interface BalanceInput {
  readonly brokers: readonly BalanceBroker[];
  readonly partitions: readonly BalancePartition[];
}

export interface BalanceOptions {
  /** Stop planning after this many moves (the rest is left for the next plan). Default: unlimited. */
  readonly maxMoves?: number;
}

/**
 * One step of a plan.
 * - `reassign`: the partition's replicas become `to` (data moves to the brokers in `to` but not in `from`;
 *   `to[0]` is the preferred leader afterwards). `bytes` is what must be copied: sizeBytes times the number
 *   of new brokers.
 * - `leader`: no data moves; the replica list is reordered so `to` is first and leadership moves to it (a
 *   preferred election).
 */
export type BalanceMove =
  | {
      readonly kind: 'reassign';
      readonly topic: string;
      readonly partition: number;
      readonly from: readonly number[];
      readonly to: readonly number[];
      readonly bytes: number;
    }
  | {
      readonly kind: 'leader';
      readonly topic: string;
      readonly partition: number;
      readonly from: number;
      readonly to: number;
    };

export interface BrokerLoad {
  readonly id: number;
  readonly replicas: number;
  /** Partitions whose preferred leader (`replicas[0]`) the broker is: what a plan decides. */
  readonly leaders: number;
  /** Sum of the `sizeBytes` of the partitions it holds a replica of. */
  readonly bytes: number;
}

export interface BalancePlan {
  /** In the order they should run. Empty when the cluster is balanced. */
  readonly moves: readonly BalanceMove[];
  /** Sum of the `bytes` of the reassign moves. */
  readonly bytesToMove: number;
  /** What any plan reaching the same balance must move at least (the new/underfull brokers' share). */
  readonly lowerBoundBytes: number;
  /** Per broker, before and after the plan, sorted by id. */
  readonly before: readonly BrokerLoad[];
  readonly after: readonly BrokerLoad[];
  /**
   * Hard goals the plan cannot meet, one line each (e.g. "topic orders needs 3 brokers, 2 can hold
   * replicas"). When non-empty, the plan still does what it can without breaking a hard goal further.
   */
  readonly unsatisfiable: readonly string[];
}
