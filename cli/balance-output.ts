/**
 * How the balancing commands print (docs/cli.md, "Partition balancing"): a plan (summary, per-broker
 * balance before and after, its moves), the brokers' states and loads, and a one-line progress. Pure.
 */
import type { BalanceDescription, BrokerBalance, RebalancePlan } from '../client/balance.js';
import { formatTable } from './output.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 1536 -> "1.5 KiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** 95_000 -> "1m35s"; negative: "?". */
export function formatDuration(ms: number): string {
  if (ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function planSummary(plan: RebalancePlan): string {
  const leader = plan.moves.filter((m) => m.kind === 'leader').length;
  const reassign = plan.moves.length - leader;
  return (
    `${plan.movesTotal} moves (${reassign} reassignments, ${leader} leader changes), ` +
    `${formatBytes(plan.bytesTotal)} to copy (at least ${formatBytes(plan.lowerBoundBytes)} for this balance)`
  );
}

/** Per broker: replicas, leaders and bytes before -> after. */
export function balanceTable(plan: RebalancePlan): string {
  const after = new Map(plan.after.map((l) => [l.brokerId, l]));
  const rows = plan.before.map((b) => {
    const a = after.get(b.brokerId) ?? b;
    return [
      b.brokerId,
      `${b.replicas} -> ${a.replicas}`,
      `${b.leaders} -> ${a.leaders}`,
      `${formatBytes(b.bytes)} -> ${formatBytes(a.bytes)}`,
    ];
  });
  return formatTable([['BROKER', 'REPLICAS', 'LEADERS', 'BYTES'], ...rows]);
}

export function movesTable(plan: RebalancePlan): string {
  const rows = plan.moves.map((m) => [
    m.topic,
    m.partition,
    m.kind,
    m.from.join(','),
    m.to.join(','),
    m.kind === 'reassign' ? formatBytes(m.bytes) : '-',
    m.state,
  ]);
  return formatTable([['TOPIC', 'PARTITION', 'KIND', 'FROM', 'TO', 'BYTES', 'STATE'], ...rows]);
}

/** The whole plan as `rebalance --dry-run` prints it. */
export function formatPlan(plan: RebalancePlan): string {
  const lines = [planSummary(plan)];
  for (const u of plan.unsatisfiable) lines.push(`cannot: ${u}`);
  lines.push('', balanceTable(plan));
  if (plan.moves.length > 0) lines.push('', movesTable(plan));
  return lines.join('\n');
}

const BAR_WIDTH = 20;

/** `[########------------] 12/40 moves, 1.2 MiB/4.0 MiB, about 2m10s left`. */
export function progressLine(plan: RebalancePlan): string {
  const finished = plan.movesDone + plan.movesFailed + plan.movesCancelled;
  const share =
    plan.bytesTotal > 0 ? plan.bytesDone / plan.bytesTotal : finished / Math.max(1, plan.movesTotal);
  const filled = Math.max(0, Math.min(BAR_WIDTH, Math.round(share * BAR_WIDTH)));
  const left = plan.estimatedMsLeft < 0 ? '' : `, about ${formatDuration(plan.estimatedMsLeft)} left`;
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${finished}/${plan.movesTotal} moves, ` +
    `${formatBytes(plan.bytesDone)}/${formatBytes(plan.bytesTotal)}${left} (${plan.status})`
  );
}

export function brokersTable(brokers: readonly BrokerBalance[]): string {
  const rows = brokers.map((b) => [
    b.brokerId,
    b.state,
    b.live ? 'yes' : 'no',
    b.rack || '-',
    b.replicas,
    b.leaders,
    formatBytes(b.sizeBytes),
  ]);
  return formatTable([['BROKER', 'STATE', 'LIVE', 'RACK', 'REPLICAS', 'LEADERS', 'BYTES'], ...rows]);
}

/** `cluster balance`: the brokers, the plan running if any, the last one, the config. */
export function formatBalance(d: BalanceDescription): string {
  const c = d.config;
  const lines = [
    brokersTable(d.brokers),
    '',
    `balancing: mode ${c.mode}, throttle ${formatBytes(c.throttleBytesPerSec)}/s, ${c.movesPerBroker} moves per broker, ` +
      `imbalance threshold ${c.imbalanceThresholdPercent}%, gone-broker grace ${formatDuration(c.goneBrokerGraceMs)}`,
  ];
  if (d.current !== null) lines.push(`running: ${d.current.reason}`, progressLine(d.current));
  if (d.last !== null) {
    lines.push(
      `last: ${d.last.status}, ${d.last.movesDone}/${d.last.movesTotal} moves, ${formatBytes(d.last.bytesDone)} ` +
        `in ${formatDuration(d.last.finishedAtMs - d.last.startedAtMs)} (${d.last.reason})`,
    );
  }
  return lines.join('\n');
}
