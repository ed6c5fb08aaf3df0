// The OpenAPI clauses: a response's status is documented, its media type is documented, and its body conforms to
// the documented schema. One validator result is split into the clauses it speaks for.
import type { ClauseId } from '../clauses.ts';
import type { ResponseValidator, ValidationResult, Violation } from '../validator/validator.ts';
import { result } from './result.ts';
import type { CheckResult } from './result.ts';
import type { ResponseLike } from './security.ts';

export const loginOperationId = 'post_api_auth_login';

/** The clause a validator finding breaks. */
export function clauseOfViolation(v: Violation, status: number): ClauseId {
  if (v.kind === 'status') return 'STATUS-DOCUMENTED';
  if (v.kind === 'content-type') return 'CONTENT-TYPE';
  return status >= 200 && status < 300 ? 'S200-SCHEMA' : 'ERROR-SCHEMA';
}

export interface DocumentedCheck {
  readonly validation: ValidationResult;
  /** One result per clause involved; a clause with no violation has no problems. */
  readonly results: readonly CheckResult[];
}

/** STATUS-DOCUMENTED + CONTENT-TYPE + S200-SCHEMA / ERROR-SCHEMA for one response. */
export function responseIsDocumented(
  validator: ResponseValidator,
  response: ResponseLike,
  operationId = loginOperationId,
): DocumentedCheck {
  const validation = validator.validate(operationId, response);
  const bodyClause: ClauseId = response.status >= 200 && response.status < 300 ? 'S200-SCHEMA' : 'ERROR-SCHEMA';
  const clauses: ClauseId[] = ['STATUS-DOCUMENTED', 'CONTENT-TYPE', bodyClause];
  const advice = rateLimitAdvice(response);
  const results = clauses.map((clause) => {
    const problems = validation.violations
      .filter((v) => clauseOfViolation(v, response.status) === clause)
      .map((v) => v.message);
    return result(
      clause,
      'responseIsDocumented',
      clause === 'STATUS-DOCUMENTED' && advice ? [...problems, advice] : problems,
    );
  });
  return { validation, results };
}

/**
 * A 429 is undocumented, and reported as such (never retried: a silent retry would hide the target's real behaviour),
 * with what it means for the run and how to fix it.
 */
export function rateLimitAdvice(response: {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
}): string | undefined {
  if (response.status !== 429) return undefined;
  const retryAfter = response.headers?.['retry-after'];
  return `429 Too Many Requests${retryAfter === undefined ? '' : ` (Retry-After: ${retryAfter})`}: the target rate-limits this runner — set CONTRACT_MAX_RPS below its limit, or allow-list the runner's address`;
}
