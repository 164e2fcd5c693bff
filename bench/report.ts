import type { Scenario } from './scenarios.js';

export type TargetName = 'service' | 'baseline';

/** One measured run of one scenario against one target. */
export interface RunMeasurement {
  readonly target: TargetName;
  readonly scenario: Scenario;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly durationSeconds: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  /** CPU of the server process over the run, null where /proc is not available. */
  readonly serverCpuSeconds: number | null;
  /** CPU of the server's PostgreSQL backends over the run, null where they cannot be observed. */
  readonly databaseCpuSeconds: number | null;
  readonly peakRssBytes: number | null;
}

export interface ProcessFigures {
  readonly startupMs: number | null;
  readonly idleRssBytes: number | null;
  /** VmHWM at the end: the highest resident memory over the whole bench. */
  readonly peakRssBytes: number | null;
  readonly failure: string | null;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

export interface ScenarioSummary {
  readonly runs: number;
  readonly requestsPerSecond: number;
  /** (max − min) / median of the runs' req/s: how far the rounds disagree. */
  readonly spread: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly serverCpuMsPerRequest: number | null;
  readonly serverCpuShareOfCore: number | null;
  readonly databaseCpuMsPerRequest: number | null;
  readonly failedResponses: number;
}

export function summarise(runs: readonly RunMeasurement[]): ScenarioSummary | null {
  if (runs.length === 0) return null;
  const rates = runs.map((run) => run.requestsPerSecond);
  const requests = sum(runs.map((run) => run.requests));
  const perRequest = (pick: (run: RunMeasurement) => number | null): number | null => {
    const values = runs.map(pick);
    return values.every((value) => value !== null) && requests > 0 ? (sum(values) * 1000) / requests : null;
  };
  const serverCpu = runs.map((run) => run.serverCpuSeconds);
  return {
    runs: runs.length,
    requestsPerSecond: median(rates),
    spread: median(rates) > 0 ? (Math.max(...rates) - Math.min(...rates)) / median(rates) : 0,
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    serverCpuMsPerRequest: perRequest((run) => run.serverCpuSeconds),
    serverCpuShareOfCore: serverCpu.every((value) => value !== null)
      ? sum(serverCpu) / sum(runs.map((run) => run.durationSeconds))
      : null,
    databaseCpuMsPerRequest: perRequest((run) => run.databaseCpuSeconds),
    failedResponses: sum(runs.map((run) => run.non2xx + run.errors)),
  };
}

const grouped = (value: number): string => Math.round(value).toLocaleString('en-US');
const milliseconds = (value: number): string => (value < 10 ? value.toFixed(1) : grouped(value));
const megabytes = (bytes: number): string => grouped(bytes / 1024 / 1024);
const ratio = (service: number | null | undefined, baseline: number | null | undefined): string =>
  service == null || baseline == null || baseline === 0 ? '—' : `${(service / baseline).toFixed(2)}×`;

interface Row {
  readonly metric: string;
  readonly service: number | null | undefined;
  readonly baseline: number | null | undefined;
  readonly format: (value: number) => string;
}

/** The one table of `pnpm bench`: each figure for the service, the baseline, and their ratio. */
export function resultsTable(
  scenarios: readonly Scenario[],
  runs: readonly RunMeasurement[],
  processes: Readonly<Record<TargetName, ProcessFigures>>,
): string {
  const summaries = (target: TargetName, scenario: Scenario) =>
    summarise(runs.filter((run) => run.target === target && run.scenario === scenario));
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    const service = summaries('service', scenario);
    const baseline = summaries('baseline', scenario);
    rows.push(
      { metric: `${scenario}: req/s`, service: service?.requestsPerSecond, baseline: baseline?.requestsPerSecond, format: grouped },
      { metric: `${scenario}: latency p50, ms`, service: service?.p50Ms, baseline: baseline?.p50Ms, format: milliseconds },
      { metric: `${scenario}: latency p99, ms`, service: service?.p99Ms, baseline: baseline?.p99Ms, format: milliseconds },
      {
        metric: `${scenario}: server CPU, ms/request`,
        service: service?.serverCpuMsPerRequest,
        baseline: baseline?.serverCpuMsPerRequest,
        format: (value) => value.toFixed(3),
      },
      {
        metric: `${scenario}: server CPU, % of a core`,
        service: service?.serverCpuShareOfCore == null ? null : service.serverCpuShareOfCore * 100,
        baseline: baseline?.serverCpuShareOfCore == null ? null : baseline.serverCpuShareOfCore * 100,
        format: grouped,
      },
      {
        metric: `${scenario}: PostgreSQL CPU, ms/request`,
        service: service?.databaseCpuMsPerRequest,
        baseline: baseline?.databaseCpuMsPerRequest,
        format: (value) => value.toFixed(3),
      },
    );
  }
  rows.push(
    {
      metric: 'start-up to first 200 on /readyz, ms',
      service: processes.service.startupMs,
      baseline: processes.baseline.startupMs,
      format: grouped,
    },
    { metric: 'idle RSS (after start), MB', service: processes.service.idleRssBytes, baseline: processes.baseline.idleRssBytes, format: megabytes },
    { metric: 'peak RSS (VmHWM), MB', service: processes.service.peakRssBytes, baseline: processes.baseline.peakRssBytes, format: megabytes },
  );
  const cell = (value: number | null | undefined, format: (value: number) => string) => (value == null ? '—' : format(value));
  const lines = [
    '| metric | service | baseline | service ÷ baseline |',
    '|---|--:|--:|--:|',
    ...rows.map((row) => `| ${row.metric} | ${cell(row.service, row.format)} | ${cell(row.baseline, row.format)} | ${ratio(row.service, row.baseline)} |`),
  ];
  return lines.join('\n');
}

/** What a reader must know besides the table: rounds that disagree, failed responses. */
export function caveats(scenarios: readonly Scenario[], runs: readonly RunMeasurement[]): string[] {
  const notes: string[] = [];
  for (const target of ['service', 'baseline'] as const) {
    for (const scenario of scenarios) {
      const own = runs.filter((run) => run.target === target && run.scenario === scenario);
      const summary = summarise(own);
      if (summary === null) continue;
      if (summary.failedResponses > 0) {
        const codes = own.flatMap((run) => Object.entries(run.statusCodes)).filter(([code]) => !code.startsWith('2'));
        const byCode = codes.reduce<Record<string, number>>((counts, [code, count]) => ({ ...counts, [code]: (counts[code] ?? 0) + count }), {});
        const errors = sum(own.map((run) => run.errors));
        notes.push(`${target} ${scenario}: ${summary.failedResponses} failed responses (status ${JSON.stringify(byCode)}, connection errors ${errors})`);
      }
      if (summary.runs > 1 && summary.spread > 0.15) {
        notes.push(`${target} ${scenario}: the rounds disagree by ${(summary.spread * 100).toFixed(0)} % of the median req/s`);
      }
    }
  }
  return notes;
}
