/**
 * Prometheus metrics declared against one registry: a counter, gauge or histogram in one call each, so
 * the broker's and the operator's metric lists read as tables of name, help and labels.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export class MetricSet {
  constructor(readonly registry: Registry) {}

  counter<L extends string = string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  /** A gauge; with `collect`, one read when scraped (it sets the gauge's values from the live state). */
  gauge<L extends string = string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    collect?: (this: Gauge<L>) => void,
  ): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(collect === undefined ? {} : { collect }),
    });
  }

  histogram<L extends string = string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ): Histogram<L> {
    return new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
