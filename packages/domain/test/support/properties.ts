import fc from 'fast-check';
import type { Test } from 'tap';

/** Fails the test with fast-check's report (seed, shrunk counterexample) when the property does not hold. */
export function holds<Ts>(t: Test, property: fc.IProperty<Ts>): void {
  const details = fc.check(property);
  t.notOk(details.failed, fc.defaultReportMessage(details) ?? 'the property holds');
}
