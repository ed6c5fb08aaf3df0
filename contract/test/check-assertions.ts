// Assertions shared by the check tests: a check holds (no problem), or fails on the given clause with a matching
// problem and a clause-tagged description.
import assert from 'node:assert/strict';
import { describeFailure } from '../checks/result.ts';
import type { CheckResult } from '../checks/result.ts';

export function passes(r: CheckResult): void {
  assert.deepEqual(r.problems, [], describeFailure(r));
}

export function fails(r: CheckResult, clause: string, pattern: RegExp): void {
  assert.equal(r.clause, clause);
  assert.ok(r.problems.length > 0, `${r.check} should fail`);
  assert.match(describeFailure(r), new RegExp(`^\\[${clause}\\]`));
  assert.match(r.problems.join('; '), pattern);
}
