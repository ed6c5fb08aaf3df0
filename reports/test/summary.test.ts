import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type OutputPaths } from '../../core/layout.ts';
import { ciRunFooter, writeSummary } from '../summary/build.ts';
import { jobSummary, parseJunit, prComment, prCommentMarker, reviewHeadline } from '../summary/summary.ts';
import { makeRun, tempPaths } from './helpers.ts';

const playwrightJunit = `<testsuites id="" name="" tests="4" failures="1" skipped="1" errors="0" time="12.5">
<testsuite name="10-login-success.spec.ts" tests="4" failures="1" skipped="1" time="12.5" errors="0">
<testcase name="ok one" classname="10-login-success.spec.ts" time="0.5">
</testcase>
<testcase name="[SEC-NO-STORE] the 200 carries Cache-Control: no-store &amp; &lt;more&gt; | piped" classname="10-login-success.spec.ts" time="0.7">
<failure message="expected" type="FAILURE">
<![CDATA[[SEC-NO-STORE] Cache-Control is public]]>
</failure>
</testcase>
<testcase name="skipped one" classname="10-login-success.spec.ts" time="0">
<skipped>
</skipped>
</testcase>
<testcase name="ok two" classname="20.spec.ts" time="1"/>
</testsuite>
</testsuites>`;

const reviewMd = `### ✅ Performance review: PASS (no regression)

Run \`pr-run\` vs baseline \`main-run\`.

| | Measure | Baseline | This run | Change | Tolerance |
|---|---|---:|---:|---:|---|
| ✅ | p95 | 20 ms | **21 ms** | +5% | +20% |

> a note

<details><summary>Trend: last 3 runs</summary>

| Run | Started |
|---|---|
| trend-row-marker | x |

</details>
`;

function populate(paths: OutputPaths): string {
  writeFileSync(paths.gateMd, '## ✅ Release gate: PASS\n\n| | Check | Detail |\n');
  writeFileSync(paths.gateJson, JSON.stringify({ verdict: 'pass', checks: [] }));
  mkdirSync(paths.contract, { recursive: true });
  writeFileSync(join(paths.contract, 'junit.xml'), playwrightJunit);
  mkdirSync(paths.review, { recursive: true });
  writeFileSync(join(paths.review, 'review.md'), reviewMd);
  const run = makeRun(paths, 'run-a');
  writeFileSync(join(run, 'summary.md'), '## Login load run `run-a`: SLOs hold ✅\n\n| | SLO |\n');
  return run;
}

test('JUnit counts and failing cases, entities decoded (Playwright and self-closing testcases)', () => {
  const c = parseJunit(playwrightJunit);
  assert.deepEqual(c, {
    tests: 4,
    failures: 1,
    errors: 0,
    skipped: 1,
    seconds: 12.5,
    failed: ['10-login-success.spec.ts › [SEC-NO-STORE] the 200 carries Cache-Control: no-store & <more> | piped'],
  });
  assert.equal(parseJunit('<html></html>'), undefined);
});

test('the review headline stops before the collapsed trend', () => {
  const head = reviewHeadline(reviewMd);
  assert.match(head, /Performance review: PASS/);
  assert.match(head, /\| ✅ \| p95 \|/);
  assert.match(head, /> a note/);
  assert.doesNotMatch(head, /trend-row-marker|<details>/);
});

test('job summary: gate, contract counts, review headline, load summary, in that order', () => {
  const paths = tempPaths('summary-');
  populate(paths);
  const text = jobSummary({ paths, footer: 'FOOTER' });
  const order = [
    'Release gate: PASS',
    'Contract tests: 2 passed, 1 failed, 1 skipped',
    'Performance review: PASS',
    'Login load run `run-a`',
    'FOOTER',
  ];
  const at = order.map((s) => text.indexOf(s));
  assert.ok(
    at.every((i) => i >= 0),
    `missing one of ${order.join(' / ')}:\n${text}`,
  );
  assert.deepEqual(
    [...at].sort((a, b) => a - b),
    at,
  );
  // A test title cannot inject HTML or break a table.
  assert.match(text, /- ❌ 10-login-success\.spec\.ts › .* &lt;more> \\\| piped/);
  assert.doesNotMatch(text, /trend-row-marker/);
});

test('job summary names every missing part instead of leaving it out', () => {
  const paths = tempPaths('summary-empty-');
  const text = jobSummary({ paths });
  assert.match(text, /Release gate: NO VERDICT/);
  assert.match(text, /No contract results \(junit\.xml missing\)/);
  assert.match(text, /No review \(review\/review\.md missing\)/);
  assert.match(text, /No load run in this job/);
  const runDir = makeRun(paths, 'crashed');
  assert.match(jobSummary({ paths, runDirs: [runDir] }), /Load run `crashed`[\s\S]*No summary\.md/);
});

test('PR comment: the marker, the review table, then gate and contract in one line', () => {
  const paths = tempPaths('summary-pr-');
  populate(paths);
  const text = prComment({ paths });
  assert.ok(text.startsWith(`${prCommentMarker}\n`));
  assert.match(text, /\| ✅ \| p95 \| 20 ms \| \*\*21 ms\*\*/);
  assert.match(text, /Release gate: \*\*PASS\*\* · 2\/4 contract tests passed\./);
  assert.doesNotMatch(text, /trend-row-marker/);
});

test('report:summary writes both files and appends the job summary to $GITHUB_STEP_SUMMARY', () => {
  const paths = tempPaths('summary-cli-');
  populate(paths);
  const other = tempPaths('summary-cli-other-');
  makeRun(other, 'engine-run');
  writeFileSync(join(other.loadRuns, 'engine-run', 'summary.md'), '## Login load run `engine-run`\n');
  const stepSummary = join(paths.root, 'step-summary.md');
  writeFileSync(stepSummary, 'earlier step\n');
  const env = {
    GITHUB_STEP_SUMMARY: stepSummary,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_RUN_ID: '42',
  };
  // A reports root means its latest run; a run folder means itself.
  const written = writeSummary(['--run', paths.root, '--run', other.root], env, paths);
  assert.equal(written.runDirs.length, 2);
  const appended = readFileSync(stepSummary, 'utf8');
  assert.ok(appended.startsWith('earlier step\n## ✅ Release gate: PASS'));
  assert.match(appended, /run-a[\s\S]*engine-run/);
  assert.match(appended, /_Engine: (k6|the local engine)\._/);
  assert.match(appended, /https:\/\/github\.com\/o\/r\/actions\/runs\/42/);
  assert.equal(readFileSync(written.jobSummary, 'utf8'), appended.slice('earlier step\n'.length));
  assert.ok(readFileSync(written.prComment, 'utf8').startsWith(prCommentMarker));
  // A --run without a run is named, not an error (the summary reports a crashed or missing load step).
  const missing = writeSummary(['--run', join(paths.root, 'nope')], {}, paths);
  assert.match(readFileSync(missing.jobSummary, 'utf8'), /No load run at `.*nope`/);
  assert.throws(() => writeSummary(['--bogus'], {}, paths), /unknown option --bogus/);
  assert.equal(ciRunFooter({}), undefined);
});
