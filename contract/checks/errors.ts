// Error-response clauses shared by 400, 401 and 502, and the status expectations of each scenario.
import type { ClauseId } from '../clauses.ts';
import { rateLimitAdvice } from './documented.ts';
import { at, parseJson, result, typeName } from './result.ts';
import type { CheckResult } from './result.ts';

/** The status a scenario must produce, attributed to the clause that promises it. */
export function statusIs(clause: ClauseId, expected: number, actual: number, scenario: string): CheckResult {
  const advice = rateLimitAdvice({ status: actual });
  const problems =
    actual === expected ? [] : [`${scenario}: expected ${expected}, got ${actual}${advice ? ` — ${advice}` : ''}`];
  return result(clause, `statusIs${expected}`, problems);
}

/** ERROR-STATUS-MATCH: the body's `status` is the HTTP status. */
export function errorStatusMatches(httpStatus: number, text: string): CheckResult {
  const status = at(parseJson(text), 'status');
  const problems =
    status === httpStatus
      ? []
      : [`body status is ${JSON.stringify(status) ?? 'missing'}, HTTP status is ${httpStatus}`];
  return result('ERROR-STATUS-MATCH', 'errorStatusMatches', problems);
}

/** ERROR-SCHEMA (beyond the schema): `error` and `message` say something — a non-empty code and sentence. */
export function errorIsExplained(text: string): CheckResult {
  const body = parseJson(text);
  const problems: string[] = [];
  for (const field of ['error', 'message']) {
    const value = at(body, field);
    if (typeof value !== 'string' || value.trim() === '')
      problems.push(`${field} is ${typeof value === 'string' ? 'empty' : typeName(value)}`);
  }
  return result('ERROR-SCHEMA', 'errorIsExplained', problems);
}

/** AUTH-REJECTS-BAD-CREDENTIALS (beyond 401): a rejection carries no token or session. */
export function rejectionCarriesNoSession(text: string, headers: Readonly<Record<string, string>>): CheckResult {
  const body = parseJson(text);
  const problems = ['jwt', 'sessionToken', 'session', 'tokenizedSession']
    .filter((field) => at(body, field) !== undefined)
    .map((field) => `the rejection carries ${field}`);
  if (headers['set-cookie'] !== undefined) problems.push('the rejection sets a cookie');
  return result('AUTH-REJECTS-BAD-CREDENTIALS', 'rejectionCarriesNoSession', problems);
}

/** METHODS: any other method on the login path never succeeds (no 2xx, no token). */
export function methodDoesNotSucceed(method: string, status: number, text: string): CheckResult {
  const problems: string[] = [];
  if (status < 400) problems.push(`${method} answered ${status}; expected a 4xx (405 or 404)`);
  if (at(parseJson(text), 'jwt') !== undefined || at(parseJson(text), 'sessionToken') !== undefined) {
    problems.push(`${method} returned a token`);
  }
  return result('METHODS', 'methodDoesNotSucceed', problems);
}
