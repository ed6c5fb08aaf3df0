// Custom matchers: `toMatchDocumentedResponse` validates an exchange against the pinned spec (and records the
// documented response it covered), `toHold` asserts a clause check under the clause policy (contract/policy.ts):
// a violated `gate` clause fails, an `advisory` one is recorded on the test and printed, an `off` one is ignored.
// Failure messages start with the clause tag. Named `toHold`, not `toPass`, so Playwright's own retrying
// `expect(async () => ...).toPass()` keeps its meaning (and `expect(check).toPass()` is a type error).
import { expect as baseExpect, test } from '@playwright/test';
import { describeFailure } from '../checks/result.ts';
import type { CheckResult } from '../checks/result.ts';
import { loginOperationId, responseIsDocumented } from '../checks/documented.ts';
import { advisoryAnnotation, judge } from '../policy.ts';
import { suiteContext } from './context.ts';
import type { Exchange } from './http.ts';

/** Annotation type the coverage reporter collects: one per validated (operation, status, media type). */
export const coverageAnnotation = 'contract-coverage';

export interface CoveredResponse {
  readonly operationId: string;
  readonly status: string;
  readonly mediaType: string;
}

/**
 * True unless the result violates a gating clause. An advisory finding is recorded on the running test (annotation,
 * shown by every report) and printed; it never fails the test.
 */
export function holdsUnderPolicy(result: CheckResult): boolean {
  const outcome = judge(result);
  if (outcome === 'advisory') {
    const description = describeFailure(result);
    const annotations = test.info().annotations;
    if (!annotations.some((a) => a.type === advisoryAnnotation && a.description === description)) {
      annotations.push({ type: advisoryAnnotation, description });
      console.log(`advisory (does not fail the run): ${description}`);
    }
  }
  return outcome !== 'violation';
}

export const expect = baseExpect.extend({
  toMatchDocumentedResponse(received: Exchange, operationId: string = loginOperationId) {
    const { validator } = suiteContext();
    const { validation, results } = responseIsDocumented(validator, received.response, operationId);
    const failed = results.filter((r) => r.problems.length > 0);
    const pass = failed.length === 0;
    if (pass && validation.responseKey !== undefined && validation.mediaType !== undefined) {
      const covered: CoveredResponse = { operationId, status: validation.responseKey, mediaType: validation.mediaType };
      const annotations = test.info().annotations;
      const description = JSON.stringify(covered);
      if (!annotations.some((a) => a.type === coverageAnnotation && a.description === description)) {
        annotations.push({ type: coverageAnnotation, description });
      }
    }
    const where = `${received.request.method} ${new URL(received.request.url).pathname} -> ${received.response.status}`;
    return {
      pass,
      name: 'toMatchDocumentedResponse',
      message: () =>
        pass
          ? `${where} matches the documented response ${validation.responseKey ?? ''} (expected it not to)`
          : `${where} does not match ${operationId} in the pinned spec:\n${failed.map((r) => `  ${describeFailure(r)}`).join('\n')}`,
    };
  },

  toHold(received: CheckResult) {
    const pass = holdsUnderPolicy(received);
    return {
      pass,
      name: 'toHold',
      message: () => (pass ? `${received.check} passed (expected a failure)` : describeFailure(received)),
    };
  },
});
