import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clauseTags, failedTests } from '../selftest/attribution.ts';
import type { JsonReport } from '../selftest/attribution.ts';

const report = (title: string, status: string, message: string): JsonReport => ({
  suites: [
    {
      title: 'f',
      suites: [{ title: 'd', specs: [{ title, tests: [{ results: [{ status, errors: [{ message }] }] }] }] }],
    },
  ],
});

test('a failure is charged to the clause tags of its messages, colour codes stripped', () => {
  const failed = failedTests(
    report(
      '[TOKEN-JWS] jwt is a JWS',
      'failed',
      '\u001b[31m[S200-SCHEMA] responseIsDocumented: $.jwt missing\u001b[39m',
    ),
  );
  assert.deepEqual(
    failed.map((f) => f.clauses),
    [['S200-SCHEMA']],
  );
});

test('a failure without a clause in its message is charged to its title', () => {
  const failed = failedTests(
    report('[SESSION-UNIQUE] fresh sessions', 'timedOut', 'Test timeout of 30000ms exceeded.'),
  );
  assert.deepEqual(
    failed.map((f) => f.clauses),
    [['SESSION-UNIQUE']],
  );
});

test('passed and skipped tests are not failures; unknown tags are ignored', () => {
  assert.deepEqual(failedTests(report('[METHODS] x', 'passed', '')), []);
  assert.deepEqual(failedTests(report('[METHODS] x', 'skipped', '')), []);
  assert.deepEqual(clauseTags('[NOT-A-CLAUSE] [METHODS] [METHODS]'), ['METHODS']);
});
