// Partition balancing: states, settings, a dry-run plan, the balance.
import { Tributary } from '../../client/index.js';

export async function main(bootstrap: string) {
  const tributary = new Tributary({ bootstrap });
  try {
    const admin = tributary.admin();
    // A broker that is not up yet may be given a state: it will take no new replicas when it comes.
    await admin.alterBrokerStates([{ brokerId: 7, state: 'cordoned' }]);
    // Copies for moves at 50 MiB/s per broker (received, and sent as leader), three moves at once per broker.
    const config = await admin.alterBalancingConfig({
      throttleBytesPerSec: 50 * 1024 * 1024,
      movesPerBroker: 3,
    });

    // What a rebalance would do, without doing it: moves, bytes, per-broker balance before and after.
    const plan = await admin.rebalance({ dryRun: true });
    // A real run: `await admin.rebalance()`, then follow `describeBalance().current` until it is null.

    const balance = await admin.describeBalance();
    await admin.alterBrokerStates([{ brokerId: 7, state: 'active' }]);
    return {
      mode: config.mode,
      planned: plan.status,
      moves: plan.movesTotal,
      brokers: balance.brokers.map((b) => `${b.brokerId}:${b.state}`),
      running: balance.current,
    };
  } finally {
    tributary.close();
  }
}
