// Custom matchers: `toMatchDocumentedResponse` validates an exchange against the pinned spec (and records the
// documented response it covered), `toPass` asserts a clause check. Failure messages start with the clause tag.
import { expect as baseExpect, test } from '@playwright/test';
import { describeFailure } from '../checks/result.ts';
import type { CheckResult } from '../checks/result.ts';
import { loginOperationId, responseIsDocumented } from '../checks/documented.ts';
import { suiteContext } from './context.ts';
import type { Exchange } from './http.ts';

/** Annotation type the coverage reporter collects: one per validated (operation, status, media type). */
export const coverageAnnotation = 'contract-coverage';

export interface CoveredResponse {
  readonly operationId: string;
  readonly status: string;
  readonly mediaType: string;
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

  toPass(received: CheckResult) {
    const pass = received.problems.length === 0;
    return {
      pass,
      name: 'toPass',
      message: () => (pass ? `${received.check} passed (expected a failure)` : describeFailure(received)),
    };
  },
});
