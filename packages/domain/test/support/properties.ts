import fc from 'fast-check';
import type { Test } from 'tap';

/** Fails the test with fast-check's report (seed, shrunk counterexample) when the property does not hold. */
export function holds<Ts>(t: Test, property: fc.IProperty<Ts>): void {
  const details = fc.check(property);
  t.notOk(details.failed, fc.defaultReportMessage(details) ?? 'the property holds');
}

/** `holds` for properties that await (requests to a real app): a bounded number of runs keeps the file fast. */
export async function holdsAsync<Ts>(t: Test, property: fc.IAsyncProperty<Ts>, parameters: fc.Parameters<Ts> = {}): Promise<void> {
  const details = await fc.check(property, parameters);
  const cause = details.errorInstance instanceof Error ? `\n${details.errorInstance.message}` : '';
  t.notOk(details.failed, `${fc.defaultReportMessage(details) ?? 'the property holds'}${cause}`);
}
