import type { BalanceInput, BalancePartition } from './types.js';

/**
 * The planner's working copy of a cluster (planner.ts): brokers and partitions by index, the replica lists
 * as they stand after the changes planned so far, and per-broker counters kept in step with every change,
 * so a planning step reads any broker's load in O(1). Every change goes through `moveReplica`,
 * `addReplica`, `removeReplica` or `setPreferred`; none of them checks a goal (the planner does).
 *
 * Racks: a broker without a rack belongs to the rack '' (as `broker/metadata/assignment.ts` counts them).
 * A partition's `maxPerRack` is the even spread its racks allow: the least m such that the racks, each
 * holding at most min(m, brokers of the rack that may hold the partition), hold the replication factor.
 */

/** `gone`: named by a replica list but absent from the input; its replicas are lost and re-created elsewhere. */
export type ModelBrokerState = 'active' | 'cordoned' | 'leaving' | 'gone';

/** Per-topic counters are topics x brokers cells; a bound on the planner's memory. */
const TOPIC_CELLS_MAX = 50_000_000;

export class BalanceModel {
  readonly brokerIds: number[] = [];
  readonly states: ModelBrokerState[] = [];
  /** Rack index per broker; -1 for a gone broker (its replicas count in no rack). */
  readonly rackOf: number[] = [];
  /** Indexes of the active brokers (the ones that take replicas), ascending id. */
  readonly active: number[] = [];
  /** The input's partitions, sorted by topic then partition. */
  readonly partitions: BalancePartition[];
  readonly topics: string[];
  readonly topicOf: Int32Array;
  /** Partitions of topic t are the indexes topicStart[t] .. topicStart[t + 1] - 1. */
  readonly topicStart: Int32Array;
  readonly sizes: Float64Array;
  readonly replicationFactors: Int32Array;
  /** The input's replica lists as broker indexes, repeats removed. */
  readonly original: number[][];
  /** The replica lists as planned so far; index 0 is the preferred leader. */
  readonly replicas: number[][];
  readonly maxPerRack: Int32Array;
  /** Partitions changed by any planned step (reordering them again costs no extra move). */
  readonly changed: Uint8Array;
  readonly counts: number[] = [];
  readonly leads: number[] = [];
  readonly bytes: number[] = [];
  /** Per topic, per broker: replicas of that topic. */
  readonly topicCounts: Int32Array[];
  /** Per broker: the partitions it holds, and those it is the preferred leader of. */
  readonly held: Set<number>[] = [];
  readonly led: Set<number>[] = [];
  /** Per broker and rack: partitions the broker holds that have room for one more replica in the rack. */
  private readonly openTo: Int32Array;
  private readonly rackTotal: number;
  private readonly index = new Map<number, number>();
  private readonly partitionIndexes = new Map<string, number>();
  private readonly rackSizes: number[] = [];

  constructor(input: BalanceInput) {
    const racks = new Map<string, number>();
    for (const b of [...input.brokers].sort((x, y) => x.id - y.id)) {
      if (this.index.has(b.id)) throw new Error(`broker ${b.id} is listed twice`);
      const rack = racks.get(b.rack) ?? racks.size;
      racks.set(b.rack, rack);
      this.addBroker(b.id, b.state, rack);
      if (b.state === 'active') {
        this.active.push(this.brokerIds.length - 1);
        this.rackSizes[rack] = (this.rackSizes[rack] ?? 0) + 1;
      }
    }
    this.partitions = [...input.partitions].sort((a, b) =>
      a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
    );
    this.topics = [...new Set(this.partitions.map((p) => p.topic))];
    if (this.topics.length * this.brokerIds.length > TOPIC_CELLS_MAX) {
      throw new Error(
        `${this.topics.length} topics over ${this.brokerIds.length} brokers is too many to plan`,
      );
    }
    const count = this.partitions.length;
    this.topicOf = new Int32Array(count);
    this.sizes = new Float64Array(count);
    this.replicationFactors = new Int32Array(count);
    this.maxPerRack = new Int32Array(count);
    this.changed = new Uint8Array(count);
    this.original = this.partitions.map((p, i) => this.readPartition(p, i));
    this.topicStart = new Int32Array(this.topics.length + 1).fill(count);
    for (let p = count - 1; p >= 0; p--) this.topicStart[this.topicOf[p]!] = p;
    const brokerCount = this.brokerIds.length;
    this.topicCounts = this.topics.map(() => new Int32Array(brokerCount));
    this.replicas = this.original.map((list) => [...list]);
    this.rackTotal = racks.size;
    this.openTo = new Int32Array(brokerCount * this.rackTotal);
    for (let p = 0; p < count; p++) {
      this.replicas[p]!.forEach((b, position) => {
        this.attach(p, b, position === 0);
      });
      this.maxPerRack[p] = this.evenSpread(p);
      this.countOpenRacks(p, 1);
    }
  }

  get partitionCount(): number {
    return this.partitions.length;
  }

  get replicaCount(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  /** The index of a partition of the input; throws for one it does not have. */
  partitionIndex(topic: string, partition: number): number {
    const p = this.partitionIndexes.get(`${topic}\u0000${partition}`);
    if (p === undefined) throw new Error(`no partition ${topic}/${partition} in the input`);
    return p;
  }

  isActive(b: number): boolean {
    return this.states[b] === 'active';
  }

  /** Replaces `from` by `to` in partition p's list, at the same position (so a preferred leader's too). */
  moveReplica(p: number, from: number, to: number): void {
    const list = this.replicas[p]!;
    const position = list.indexOf(from);
    if (position < 0 || list.includes(to)) throw new Error(`bad move of partition ${p}: ${from} -> ${to}`);
    this.countOpenRacks(p, -1);
    this.detach(p, from, position === 0);
    list[position] = to;
    this.attach(p, to, position === 0);
    this.countOpenRacks(p, 1);
    this.changed[p] = 1;
  }

  addReplica(p: number, to: number): void {
    const list = this.replicas[p]!;
    if (list.includes(to)) throw new Error(`partition ${p} already has a replica on ${to}`);
    this.countOpenRacks(p, -1);
    list.push(to);
    this.attach(p, to, list.length === 1);
    this.countOpenRacks(p, 1);
    this.changed[p] = 1;
  }

  removeReplica(p: number, b: number): void {
    const list = this.replicas[p]!;
    const position = list.indexOf(b);
    if (position < 0 || list.length === 1) throw new Error(`cannot remove ${b} from partition ${p}`);
    this.countOpenRacks(p, -1);
    this.detach(p, b, position === 0);
    list.splice(position, 1);
    if (position === 0) this.setLeadership(p, list[0]!, true);
    this.countOpenRacks(p, 1);
    this.changed[p] = 1;
  }

  /**
   * Makes `b` partition p's preferred leader. While the replica set is the input's, the list becomes
   * [b, ...the input's list without b], which is exactly what a `leader` move does to it.
   */
  setPreferred(p: number, b: number): void {
    const list = this.replicas[p]!;
    if (!list.includes(b)) throw new Error(`broker ${b} holds no replica of partition ${p}`);
    if (list[0] === b) return;
    this.setLeadership(p, list[0]!, false);
    const original = this.original[p]!;
    const sameSet = original.length === list.length && original.every((x) => list.includes(x));
    const rest = (sameSet ? original : list).filter((x) => x !== b);
    list.splice(0, list.length, b, ...rest);
    this.setLeadership(p, b, true);
    this.changed[p] = 1;
  }

  rackLoad(p: number, rack: number): number {
    let n = 0;
    for (const b of this.replicas[p]!) if (this.rackOf[b] === rack) n++;
    return n;
  }

  /** Whether the broker with this id is active or cordoned (may keep replicas). */
  mayHold(id: number): boolean {
    const state = this.states[this.index.get(id) ?? -1];
    return state === 'active' || state === 'cordoned';
  }

  /** Whether partition p's replica on `from` (-1: a new replica) may go to `to`: hard goals only. */
  canPlace(p: number, from: number, to: number): boolean {
    if (!this.isActive(to) || this.replicas[p]!.includes(to)) return false;
    // The rack's load after the move stays within the limit (a move within a rack leaves it as it was).
    const rack = this.rackOf[to]!;
    const leaving = from >= 0 && this.rackOf[from] === rack ? 1 : 0;
    return this.rackLoad(p, rack) - leaving < this.maxPerRack[p]!;
  }

  /**
   * Whether moving partition p's replica from `from` to `to` keeps its topic's spread: the topic's counts
   * on the two brokers may swap but never drift further apart.
   */
  keepsTopicSpread(p: number, from: number, to: number): boolean {
    const counts = this.topicCounts[this.topicOf[p]!]!;
    return counts[from]! > counts[to]!;
  }

  /** Preferred leaderships `to` gains (and `from` loses) if p's replica moves from `from` to `to`. */
  leadershipMoved(p: number, from: number): number {
    return this.replicas[p]![0] === from ? 1 : 0;
  }

  /**
   * Whether some partition d holds has room in r's rack: when not, and the racks differ, no replica of d
   * may go to r (a quick answer for the planner's searches, kept by `countOpenRacks`).
   */
  mayReach(d: number, r: number): boolean {
    const rack = this.rackOf[r]!;
    return rack === this.rackOf[d] || rack < 0 || this.openTo[d * this.rackTotal + rack]! > 0;
  }

  /** Active brokers plus the cordoned ones already holding partition p: the brokers p may be on. */
  holdersPossible(p: number): number {
    let n = this.active.length;
    for (const b of this.replicas[p]!) if (this.states[b] === 'cordoned') n++;
    return n;
  }

  private addBroker(id: number, state: ModelBrokerState, rack: number): number {
    this.index.set(id, this.brokerIds.length);
    this.brokerIds.push(id);
    this.states.push(state);
    this.rackOf.push(rack);
    this.counts.push(0);
    this.leads.push(0);
    this.bytes.push(0);
    this.held.push(new Set());
    this.led.push(new Set());
    return this.brokerIds.length - 1;
  }

  private readPartition(p: BalancePartition, i: number): number[] {
    const name = `${p.topic}/${p.partition}`;
    if (p.replicas.length === 0) throw new Error(`partition ${name} has no replicas`);
    if (!(p.sizeBytes >= 0) || !Number.isFinite(p.sizeBytes)) throw new Error(`partition ${name}: bad size`);
    const rf = p.replicationFactor ?? p.replicas.length;
    if (!Number.isInteger(rf) || rf < 1) throw new Error(`partition ${name}: bad replication factor ${rf}`);
    if (i > 0) {
      const prev = this.partitions[i - 1]!;
      if (prev.topic === p.topic && prev.partition === p.partition)
        throw new Error(`${name} is listed twice`);
    }
    this.partitionIndexes.set(`${p.topic}\u0000${p.partition}`, i);
    this.topicOf[i] = this.topics.indexOf(p.topic, i === 0 ? 0 : this.topicOf[i - 1]);
    this.sizes[i] = p.sizeBytes;
    this.replicationFactors[i] = rf;
    const list = p.replicas.map((id) => this.index.get(id) ?? this.addBroker(id, 'gone', -1));
    return [...new Set(list)];
  }

  /** See the header: the least m whose per-rack caps hold the replication factor (or all that may). */
  private evenSpread(p: number): number {
    const caps = [...this.rackSizes].map((n) => n ?? 0);
    for (const b of this.replicas[p]!) {
      if (this.states[b] === 'cordoned') caps[this.rackOf[b]!] = (caps[this.rackOf[b]!] ?? 0) + 1;
    }
    const total = caps.reduce((a, b) => a + b, 0);
    const want = Math.min(this.replicationFactors[p]!, total);
    for (let m = 1; ; m++) {
      if (caps.reduce((a, cap) => a + Math.min(cap, m), 0) >= want) return m;
    }
  }

  /** Adds (sign 1) or takes away (-1) partition p's share of `openTo` for every broker holding it. */
  private countOpenRacks(p: number, sign: number): void {
    const list = this.replicas[p]!;
    for (let rack = 0; rack < this.rackTotal; rack++) {
      if (this.rackLoad(p, rack) >= this.maxPerRack[p]!) continue;
      for (const b of list) this.openTo[b * this.rackTotal + rack]! += sign;
    }
  }

  private attach(p: number, b: number, leader: boolean): void {
    this.counts[b]!++;
    this.bytes[b]! += this.sizes[p]!;
    this.topicCounts[this.topicOf[p]!]![b]!++;
    this.held[b]!.add(p);
    if (leader) this.setLeadership(p, b, true);
  }

  private detach(p: number, b: number, leader: boolean): void {
    this.counts[b]!--;
    this.bytes[b]! -= this.sizes[p]!;
    this.topicCounts[this.topicOf[p]!]![b]!--;
    this.held[b]!.delete(p);
    if (leader) this.setLeadership(p, b, false);
  }

  private setLeadership(p: number, b: number, on: boolean): void {
    if (on) {
      this.leads[b]!++;
      this.led[b]!.add(p);
    } else {
      this.leads[b]!--;
      this.led[b]!.delete(p);
    }
  }
}
