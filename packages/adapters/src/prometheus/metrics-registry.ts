import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface GaugeDefinition {
  /** A Prometheus metric name, e.g. `event_streams_open`. */
  readonly name: string;
  readonly help: string;
  /** Read when /metrics is scraped, never in between. */
  readonly read: () => number;
}

/** Seconds: most answers of this API take a few milliseconds, a slow one several seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The metrics of one app. Each app has a registry of its own (tests build many apps in one process; prom-client's
 * global registry would mix them). The composition root makes it and hands it to whatever reports a value:
 * `registerGauge` is how a component that holds a count (open event streams, pool connections) exposes it.
 */
export class MetricsRegistry {
  readonly #registry = new Registry();
  #processMetrics = false;

  readonly contentType: string = this.#registry.contentType;

  /** A gauge whose value is read at each scrape. */
  registerGauge({ name, help, read }: GaugeDefinition): void {
    new Gauge({
      name,
      help,
      registers: [this.#registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** A histogram of durations in seconds, by the labels given. */
  latencyHistogram<Label extends string>(name: string, help: string, labelNames: readonly Label[]): Histogram<Label> {
    return new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers: [this.#registry] });
  }

  /** prom-client's process and Node.js metrics (CPU, memory, event loop lag, GC, handles); once per registry. */
  collectProcessMetrics(): void {
    if (this.#processMetrics) return;
    this.#processMetrics = true;
    collectDefaultMetrics({ register: this.#registry });
  }

  /** Every metric in the Prometheus text format. */
  text(): Promise<string> {
    return this.#registry.metrics();
  }
}
