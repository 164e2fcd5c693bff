import type { LogDestination } from '../../src/logging.js';

export interface CapturedLogs {
  readonly destination: LogDestination;
  /** Every line written so far, as written. */
  readonly lines: () => readonly string[];
  /** Every line written so far, parsed. */
  readonly entries: () => readonly Record<string, unknown>[];
}

/** A pino destination that keeps what the app logs, for a test to read. */
export function captureLogs(): CapturedLogs {
  const lines: string[] = [];
  return {
    destination: { write: (line: string) => lines.push(line) },
    lines: () => lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
