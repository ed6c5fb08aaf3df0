// Robustness of the suite: every row of the bad-input table (cli/test/fixtures/robustness/cases.ts) runs its real
// command (`npm run --silent <script> ...`, a few at a time) and must give one clear line naming the mistake, a non-zero
// exit, no stack trace, no secret, and no report left behind as valid. Rows that fail today because of another
// owner's code are marked todo with the reason (they still run, and show in the output).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Outcome } from './fixtures/robustness/cases.ts';
import { badInputs, makeWorkspace, runAll, runBadInput } from './fixtures/robustness/cases.ts';

const ws = await makeWorkspace();
// Started once for the whole file; each test awaits its own row.
const outcomes = runAll(badInputs, ws, 6);

function explain(o: Outcome): string {
  return `${o.command}\nexit ${o.code}, output:\n${o.lines.join('\n')}`;
}

describe('bad input: one clear line, non-zero exit, nothing half-written', () => {
  after(() => ws.close());

  test('the table has at least 20 rows with distinct ids', () => {
    assert.ok(badInputs.length >= 20, `${badInputs.length} rows`);
    assert.equal(new Set(badInputs.map((c) => c.id)).size, badInputs.length);
  });

  for (const c of badInputs) {
    test(`${c.id}: ${c.input}`, c.knownIssue === undefined ? {} : { todo: c.knownIssue }, async () => {
      const o = (await outcomes).get(c.id);
      assert.ok(o, `row ${c.id} did not run`);
      assert.deepEqual(o.problems, [], explain(o));
    });
  }

  test('the judge rejects a command that succeeds, prints several lines or misses the expected words', async () => {
    // A good input to `npm run config` exits 0 and prints the whole configuration: every rule must catch it.
    const o = await runBadInput(
      { id: 'judge-check', input: 'valid config', script: 'config', names: /no such words/ },
      ws,
    );
    assert.ok(o.problems.includes('exit code 0'), explain(o));
    assert.ok(
      o.problems.some((p) => /lines of output, not 1/.test(p)),
      explain(o),
    );
    assert.ok(
      o.problems.some((p) => p.startsWith('no line matches')),
      explain(o),
    );
  });
});
