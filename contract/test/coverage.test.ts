import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateCoverage } from '../support/contract-reporter.ts';
import { runFilter } from '../support/run-filter.ts';

const op = 'post_api_auth_login';
const documented = ['200', '400', '401', '502'].map((status) => ({
  operationId: op,
  status,
  mediaType: 'application/json',
}));
const seen = (...statuses: string[]) => new Map(statuses.map((s) => [`${op} ${s} application/json`, 1]));

test('the gate fails listing each documented response never validated', () => {
  const report = evaluateCoverage(documented, seen('200', '400', '401'), new Map(), true);
  assert.equal(report.gate.passed, false);
  assert.deepEqual(
    report.missed.map((m) => m.status),
    ['502'],
  );
  assert.match(report.gate.note, /502 application\/json/);
});

test('a waiver with a reason turns a miss into a waived entry', () => {
  const report = evaluateCoverage(
    documented,
    seen('200', '400', '401'),
    new Map([[502, 'not inducible on staging']]),
    true,
  );
  assert.equal(report.gate.passed, true);
  assert.deepEqual(report.waived, [
    { operationId: op, status: '502', mediaType: 'application/json', reason: 'not inducible on staging' },
  ]);
});

test('a partial run reports coverage without applying the gate', () => {
  const report = evaluateCoverage(documented, seen('200'), new Map(), false, '--grep TOKEN');
  assert.equal(report.gate.applied, false);
  assert.equal(report.gate.passed, true);
});

test('which command lines are complete runs', () => {
  const base = ['node', 'playwright', 'test', '-c', 'contract/playwright.config.ts'];
  assert.equal(runFilter(base).complete, true);
  assert.equal(runFilter([...base, '--grep', '@smoke']).complete, true);
  assert.equal(runFilter([...base, '--repeat-each', '20', '--workers=1']).complete, true);
  assert.equal(runFilter([...base, '--grep', 'TOKEN']).complete, false);
  assert.equal(runFilter([...base, '--grep=TOKEN']).complete, false);
  assert.equal(runFilter([...base, 'contract/specs/methods.spec.ts']).complete, false);
  assert.equal(runFilter([...base, '--last-failed']).complete, false);
});
