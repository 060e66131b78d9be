import { statfsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { MetricSet } from '../kit/metric-set.js';
import type { GroupLag } from './groups/group-lag.js';
import { minInsyncReplicasOf } from './metadata/topic-config.js';
import type { TopicRecord } from './metadata/topic-registry.js';
import type { ReplicaManager } from './replication/replica-manager.js';

/** What the cluster-wide gauges read: the topic metadata, and whether this broker is the active controller. */
export interface ClusterView {
  topics: () => TopicRecord[];
  isActiveController: () => boolean;
}

/** The broker's Prometheus metrics. One registry per broker so tests can run several in one process. */
export class BrokerMetrics {
  readonly registry = new Registry();
  private readonly metrics = new MetricSet(this.registry);
  readonly bytesIn = this.metrics.counter(
    'tributary_bytes_in_total',
    'Record batch bytes appended, by topic.',
    ['topic'],
  );
  readonly recordsIn = this.metrics.counter('tributary_records_in_total', 'Records appended, by topic.', [
    'topic',
  ]);
  readonly bytesOut = this.metrics.counter(
    'tributary_bytes_out_total',
    'Record batch bytes sent to consumers, by topic.',
    ['topic'],
  );
  readonly recordsOut = this.metrics.counter(
    'tributary_records_out_total',
    'Records sent to consumers, by topic (whole batches, as sent).',
    ['topic'],
  );
  readonly requestDuration = this.metrics.histogram(
    'tributary_request_duration_seconds',
    'gRPC request latency by method and status code (for Subscribe: until the stream ends).',
    ['method', 'code'],
    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );
  readonly requestErrors = this.metrics.counter(
    'tributary_request_errors_total',
    'Failed requests and per-partition failures, by method and reason.',
    ['method', 'reason'],
  );
  readonly inflightRequests = this.metrics.gauge('tributary_inflight_requests', 'Requests being handled.');
  readonly inflightProduceBytes = this.metrics.gauge(
    'tributary_inflight_produce_bytes',
    'Produce payload bytes accepted but not yet answered.',
  );
  readonly subscriptions = this.metrics.gauge('tributary_subscriptions', 'Open Subscribe streams.');
  readonly isrShrinks = this.metrics.counter(
    'tributary_isr_shrinks_total',
    'ISR shrinks this broker (as leader) had accepted by the controller.',
  );
  readonly isrExpands = this.metrics.counter(
    'tributary_isr_expands_total',
    'ISR expands this broker (as leader) had accepted by the controller.',
  );
  readonly authentications = this.metrics.counter(
    'tributary_authentications_total',
    'Successful logins (SCRAM exchanges) by mechanism.',
    ['mechanism'],
  );
  readonly authenticationFailures = this.metrics.counter(
    'tributary_authentication_failures_total',
    'Refused credentials (wrong password, unknown user, bad token or certificate) by mechanism and reason.',
    ['mechanism', 'reason'],
  );
  readonly authorizationDenials = this.metrics.counter(
    'tributary_authorization_denials_total',
    'Requests refused by the ACLs, by operation and resource type.',
    ['operation', 'resource_type'],
  );
  readonly quotaThrottleSeconds = this.metrics.counter(
    'tributary_quota_throttle_seconds_total',
    'Time clients were told to wait (or were held) by a quota, by quota.',
    ['quota'],
  );
  readonly controllerChanges = this.metrics.counter(
    'tributary_controller_changes_total',
    'Changes of the active controller this broker saw (a new controller, or none).',
  );

  constructor(replicas: () => ReplicaManager | undefined, minIsrOf: (topic: string) => number = () => 1) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tributary_' });
    const logGauge = (
      name: string,
      help: string,
      read: (p: ReturnType<ReplicaManager['all']>[number]) => number,
    ) =>
      this.metrics.gauge(name, help, ['topic', 'partition'], function collect() {
        this.reset();
        for (const p of replicas()?.all() ?? []) {
          this.set({ topic: p.topic, partition: String(p.index) }, read(p));
        }
      });
    logGauge('tributary_log_size_bytes', 'Bytes on disk per partition log.', (p) => p.log.sizeBytes);
    logGauge('tributary_log_start_offset', 'First offset still in the log.', (p) => p.logStartOffset);
    logGauge('tributary_log_end_offset', 'Offset the next record will get.', (p) => p.log.logEndOffset);
    logGauge('tributary_log_segments', 'Segment files per partition log.', (p) => p.log.segmentCount);
    logGauge(
      'tributary_high_watermark',
      'Offset below which records are committed (replicated to the ISR).',
      (p) => p.highWatermark,
    );
    logGauge(
      'tributary_partition_leader',
      '1 where this broker leads the partition, 0 where it follows.',
      (p) => (p.isLeader ? 1 : 0),
    );
    logGauge(
      'tributary_partition_isr_size',
      'In-sync replicas, as this broker last saw them.',
      (p) => p.state.isr.length,
    );
    const hosted = () => replicas()?.all() ?? [];
    this.metrics.gauge(
      'tributary_under_replicated_partitions',
      'Partitions led here whose ISR is smaller than their replica list.',
      [],
      function collect() {
        this.set(hosted().filter((p) => p.isLeader && p.state.isr.length < p.state.replicas.length).length);
      },
    );
    this.metrics.gauge(
      'tributary_under_min_isr_partitions',
      'Partitions led here whose ISR is smaller than their min.insync.replicas.',
      [],
      function collect() {
        this.set(hosted().filter((p) => p.isLeader && p.state.isr.length < minIsrOf(p.topic)).length);
      },
    );
    this.metrics.gauge(
      'tributary_offline_partitions',
      'Partitions hosted here that have no leader.',
      [],
      function collect() {
        this.set(hosted().filter((p) => p.state.leader < 0).length);
      },
    );
    this.metrics.gauge(
      'tributary_fail_safe',
      '1 while this broker has lost its DCS session and leads on only where its ISRs confirm it.',
      [],
      function collect() {
        this.set(replicas()?.inFailSafe === true ? 1 : 0);
      },
    );
  }

  /**
   * Partition health counted once for the whole cluster: the active controller exports these from the
   * topic metadata (every other broker exports nothing for them), so `sum()` over brokers is the cluster's
   * figure and a missing controller shows as absent series.
   */
  trackCluster(view: ClusterView): void {
    this.metrics.gauge(
      'tributary_cluster_partitions',
      'Partitions cluster-wide by state: total, offline (no leader), under_replicated (ISR smaller than the replicas), under_min_isr (ISR smaller than min.insync.replicas). Exported by the active controller only.',
      ['state'],
      function collect() {
        this.reset();
        if (!view.isActiveController()) return;
        const counts = { total: 0, offline: 0, under_replicated: 0, under_min_isr: 0 };
        for (const t of view.topics()) {
          const minIsr = minInsyncReplicasOf(t.configs);
          for (const p of t.partitions) {
            counts.total++;
            if (p.leader < 0) counts.offline++;
            if (p.isr.length < p.replicas.length) counts.under_replicated++;
            if (p.isr.length < minIsr) counts.under_min_isr++;
          }
        }
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    );
    this.metrics.gauge(
      'tributary_controller_active',
      '1 on the broker that is the active controller, else 0 (the sum over brokers is 1 when healthy).',
      [],
      function collect() {
        this.set(view.isActiveController() ? 1 : 0);
      },
    );
  }

  /** Size and free space of the filesystem holding the data directory (for the disk-filling alert). */
  trackDisk(dataDir: string): void {
    const read = (pick: (s: { bsize: number; blocks: number; bavail: number }) => number) =>
      function collect(this: { set: (v: number) => void }) {
        try {
          this.set(pick(statfsSync(dataDir)));
        } catch {
          // A failing statfs shows as the last value; the log size gauges still tell what grows.
        }
      };
    this.metrics.gauge(
      'tributary_data_dir_filesystem_size_bytes',
      "Size of the filesystem holding the broker's data directory.",
      [],
      read((s) => s.blocks * s.bsize),
    );
    this.metrics.gauge(
      'tributary_data_dir_filesystem_free_bytes',
      'Bytes available to the broker on the filesystem holding its data directory.',
      [],
      read((s) => s.bavail * s.bsize),
    );
  }

  /** Counts the ISR changes and controller changes the broker's parts report. */
  countChanges(replicas: ReplicaManager, onControllerChange: (listener: () => void) => void): void {
    replicas.roles.on('isr', (kind: 'expand' | 'shrink') => {
      if (kind === 'shrink') this.isrShrinks.inc();
      else this.isrExpands.inc();
    });
    onControllerChange(() => this.controllerChanges.inc());
  }

  /**
   * Consumer lag of the groups this broker coordinates (broker/groups/group-lag.ts: each series comes from
   * exactly one broker, the group's coordinator).
   */
  trackGroupLag(lag: GroupLag): void {
    let rows: ReturnType<GroupLag['read']> = [];
    let readAtMs = -1;
    // Both gauges are collected in one scrape: read the rows once for it.
    const current = () => {
      const now = Date.now();
      if (now - readAtMs > 1_000) {
        rows = lag.read(now);
        readAtMs = now;
      }
      return rows;
    };
    this.metrics.gauge(
      'tributary_consumer_group_committed_offset',
      'Committed offset per group and partition (exported by the group coordinator).',
      ['group', 'topic', 'partition'],
      function collect() {
        this.reset();
        for (const r of current())
          this.set({ group: r.group, topic: r.topic, partition: String(r.partition) }, r.committed);
      },
    );
    this.metrics.gauge(
      'tributary_consumer_group_lag_records',
      "Records between a group's committed offset and the partition's high watermark (exported by the group coordinator).",
      ['group', 'topic', 'partition'],
      function collect() {
        this.reset();
        for (const r of current()) {
          if (r.lag !== undefined)
            this.set({ group: r.group, topic: r.topic, partition: String(r.partition) }, r.lag);
        }
      },
    );
  }

  /** Gauges of the consumer groups this broker coordinates (read when scraped). */
  trackGroups(read: () => Array<{ group: string; members: number; epoch: number }>): void {
    if (this.registry.getSingleMetric('tributary_group_members') !== undefined) return;
    const gauge = (name: string, help: string, pick: (g: { members: number; epoch: number }) => number) =>
      this.metrics.gauge(name, help, ['group'], function collect() {
        this.reset();
        for (const g of read()) this.set({ group: g.group }, pick(g));
      });
    gauge('tributary_group_members', 'Active members of each group coordinated here.', (g) => g.members);
    gauge(
      'tributary_group_epoch',
      'Group epoch (rises at every membership or subscription change).',
      (g) => g.epoch,
    );
  }

  /**
   * Serves GET /metrics, and GET /healthz: 200 while the broker serves (its gRPC health says SERVING), 503
   * otherwise. The kubelet's gRPC probes cannot speak TLS, so a broker whose listener does probes this.
   * Resolves with the bound port.
   */
  async serve(
    host: string,
    port: number,
    serving: () => boolean = () => true,
  ): Promise<{ port: number; close: () => Promise<void> }> {
    const server: Server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/healthz') {
        const ok = serving();
        res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(ok ? 'SERVING\n' : 'NOT_SERVING\n');
      } else if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
        this.registry.metrics().then(
          (body) => {
            res.writeHead(200, { 'content-type': this.registry.contentType });
            res.end(body);
          },
          (err: Error) => {
            res.writeHead(500);
            res.end(err.message);
          },
        );
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('metrics are at /metrics\n');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return {
      port: (server.address() as AddressInfo).port,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }
}
