import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ReplicaManager } from './replication/replica-manager.js';

/** The broker's Prometheus metrics. One registry per broker so tests can run several in one process. */
export class BrokerMetrics {
  readonly registry = new Registry();
  readonly bytesIn = new Counter({
    name: 'tributary_bytes_in_total',
    help: 'Record batch bytes appended, by topic.',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly recordsIn = new Counter({
    name: 'tributary_records_in_total',
    help: 'Records appended, by topic.',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly bytesOut = new Counter({
    name: 'tributary_bytes_out_total',
    help: 'Record batch bytes sent to consumers, by topic.',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly recordsOut = new Counter({
    name: 'tributary_records_out_total',
    help: 'Records sent to consumers, by topic (whole batches, as sent).',
    labelNames: ['topic'],
    registers: [this.registry],
  });
  readonly requestDuration = new Histogram({
    name: 'tributary_request_duration_seconds',
    help: 'gRPC request latency by method and status code (for Subscribe: until the stream ends).',
    labelNames: ['method', 'code'],
    buckets: [
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    ],
    registers: [this.registry],
  });
  readonly requestErrors = new Counter({
    name: 'tributary_request_errors_total',
    help: 'Failed requests and per-partition failures, by method and reason.',
    labelNames: ['method', 'reason'],
    registers: [this.registry],
  });
  readonly inflightRequests = new Gauge({
    name: 'tributary_inflight_requests',
    help: 'Requests being handled.',
    registers: [this.registry],
  });
  readonly inflightProduceBytes = new Gauge({
    name: 'tributary_inflight_produce_bytes',
    help: 'Produce payload bytes accepted but not yet answered.',
    registers: [this.registry],
  });
  readonly subscriptions = new Gauge({
    name: 'tributary_subscriptions',
    help: 'Open Subscribe streams.',
    registers: [this.registry],
  });

  constructor(replicas: () => ReplicaManager | undefined) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tributary_' });
    const logGauge = (
      name: string,
      help: string,
      read: (p: ReturnType<ReplicaManager['all']>[number]) => number,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['topic', 'partition'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const p of replicas()?.all() ?? []) {
            this.set({ topic: p.topic, partition: String(p.index) }, read(p));
          }
        },
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
    new Gauge({
      name: 'tributary_under_replicated_partitions',
      help: 'Partitions led here whose ISR is smaller than their replica list.',
      registers: [this.registry],
      collect() {
        const led =
          replicas()
            ?.all()
            .filter((p) => p.isLeader) ?? [];
        this.set(led.filter((p) => p.state.isr.length < p.state.replicas.length).length);
      },
    });
    new Gauge({
      name: 'tributary_offline_partitions',
      help: 'Partitions hosted here that have no leader.',
      registers: [this.registry],
      collect() {
        this.set(
          replicas()
            ?.all()
            .filter((p) => p.state.leader < 0).length ?? 0,
        );
      },
    });
  }

  /** Gauges of the consumer groups this broker coordinates (read when scraped). */
  trackGroups(read: () => Array<{ group: string; members: number; epoch: number }>): void {
    if (this.registry.getSingleMetric('tributary_group_members') !== undefined) return;
    const gauge = (name: string, help: string, pick: (g: { members: number; epoch: number }) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['group'],
        registers: [this.registry],
        collect() {
          this.reset();
          for (const g of read()) this.set({ group: g.group }, pick(g));
        },
      });
    gauge('tributary_group_members', 'Active members of each group coordinated here.', (g) => g.members);
    gauge(
      'tributary_group_epoch',
      'Group epoch (rises at every membership or subscription change).',
      (g) => g.epoch,
    );
  }

  /** Serves GET /metrics; resolves with the bound port. */
  async serve(host: string, port: number): Promise<{ port: number; close: () => Promise<void> }> {
    const server: Server = createServer((req, res) => {
      if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
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
