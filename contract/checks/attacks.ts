// Attack-class clauses (OWASP WSTG authentication and input-validation tests that apply to a JSON login): a request
// that carries credentials some other way, an injection payload, a password variant, or an oversized field must never
// log in, must never get a 5xx, and a long password must not cost much more than a short one. Pure functions; the
// payloads and probes they judge are in ../attacks.ts.
import type { ClauseId } from '../clauses.ts';
import { at, parseJson, result } from './result.ts';
import type { CheckResult } from './result.ts';
import type { ResponseLike } from './security.ts';

const tokenFields = ['jwt', 'sessionToken', 'session', 'tokenizedSession'] as const;

/** The token fields a 2xx hands out (empty for anything else): what "logged in" means here. */
export function tokensHandedOut(response: Pick<ResponseLike, 'status' | 'text'>): string[] {
  if (response.status < 200 || response.status > 299) return [];
  const body = parseJson(response.text);
  return tokenFields.filter((field) => at(body, field) !== undefined);
}

/**
 * The request did not log in: no 2xx carrying a jwt, sessionToken or session (a 2xx without one — a front end's
 * HTML page answering a GET, say — is not a login, and other clauses judge the method).
 */
export function didNotLogIn(clause: ClauseId, scenario: string, response: ResponseLike): CheckResult {
  const tokens = tokensHandedOut(response);
  const problems = tokens.length === 0 ? [] : [`${scenario}: logged in (${response.status} with ${tokens.join(', ')})`];
  return result(clause, 'didNotLogIn', problems);
}

/** Neither a login nor a server error: what an attack payload must get (its exact status is the contract's clause). */
export function rejectedWithout5xx(clause: ClauseId, scenario: string, response: ResponseLike): CheckResult {
  const problems = [...didNotLogIn(clause, scenario, response).problems];
  if (response.status >= 500) problems.push(`${scenario}: answered ${response.status}, a server error`);
  return result(clause, 'rejectedWithout5xx', problems);
}

/** The status a scenario must get, when more than one is right (e.g. 400 or 401 for a malformed identifier). */
export function statusIsOneOf(
  clause: ClauseId,
  expected: readonly number[],
  actual: number,
  scenario: string,
): CheckResult {
  const problems = expected.includes(actual) ? [] : [`${scenario}: expected ${expected.join(' or ')}, got ${actual}`];
  return result(clause, 'statusIsOneOf', problems);
}

export interface CostBound {
  readonly longPasswordTimeFactor: number;
  readonly longPasswordSlackMs: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? Number.NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * LONG-PASSWORD-COST: the median answer to a near-limit password stays within factor x the median answer to a normal
 * wrong password, plus a slack for the transfer and the network's jitter (config/contract-limits.json).
 */
export function longPasswordCostIsBounded(
  normalMs: readonly number[],
  longMs: readonly number[],
  bound: CostBound,
): CheckResult {
  const [normal, long] = [median(normalMs), median(longMs)];
  const limit = bound.longPasswordTimeFactor * normal + bound.longPasswordSlackMs;
  const problems: string[] = [];
  if (Number.isNaN(normal) || Number.isNaN(long)) problems.push('no timing samples');
  else if (long > limit) {
    problems.push(
      `a near-limit password took ${long.toFixed(0)} ms (median of ${longMs.length}), over ${limit.toFixed(0)} ms = ${bound.longPasswordTimeFactor} x ${normal.toFixed(0)} ms (a normal wrong password, median of ${normalMs.length}) + ${bound.longPasswordSlackMs} ms: hashing cost grows with the password's length`,
    );
  }
  return result('LONG-PASSWORD-COST', 'longPasswordCostIsBounded', problems);
}
