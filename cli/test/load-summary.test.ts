// End-of-test outputs from a k6 summary object: thresholds and checks in the text, JUnit and Markdown outputs, the
// CLI's SLO table and exit verdict. A breached threshold must show as a failure everywhere.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseProfiles, selectProfile } from '../../load/lib/profiles.ts';
import { objectivesFor, parseSlo } from '../../load/lib/slo.ts';
import type { SummaryData } from '../../load/lib/summary-data.ts';
import { junitXml, markdownSummary, textSummary, thresholdRows } from '../../load/lib/summary.ts';
import { formatSloTable, verdictCode } from '../../load/runner/run.ts';

const profile = selectProfile(parseProfiles(readFileSync('config/profiles.json', 'utf8'), 'p'), 'smoke');
const objectives = objectivesFor(parseSlo(readFileSync('config/slo.json', 'utf8'), 's'), profile);
const ctx = { runId: 'r1', profile: 'smoke', target: 'http://127.0.0.1:1', objectives, checksRateMin: 0.99 };

function summary(p95: number, failedRate: number): SummaryData {
  return {
    metrics: {
      'http_req_duration{name:login}': {
        type: 'trend',
        contains: 'time',
        values: { avg: 100, min: 50, med: 90, max: p95 + 10, 'p(90)': 120, 'p(95)': p95, 'p(99)': p95 + 5, count: 90 },
        thresholds: { 'p(95)<400': { ok: p95 < 400 }, 'p(99)<800': { ok: p95 + 5 < 800 } },
      },
      'http_req_failed{name:login}': {
        type: 'rate',
        contains: 'default',
        values: { rate: failedRate, passes: Math.round(failedRate * 90), fails: 90 - Math.round(failedRate * 90) },
        thresholds: { 'rate<0.01': { ok: failedRate < 0.01 } },
      },
      login_undocumented_status: {
        type: 'rate',
        contains: 'default',
        values: { rate: 0, passes: 0, fails: 90 },
        thresholds: { 'rate==0': { ok: true } },
      },
    },
    root_group: {
      name: '',
      checks: [
        { name: 'login: status is 200', passes: 85, fails: 5 },
        { name: '[TOKEN-CONSISTENT] login: jwt equals session.tokenized', passes: 90, fails: 0 },
      ],
      groups: [],
    },
    state: { testRunDurationMs: 15_200 },
  };
}

describe('summary outputs', () => {
  it('reads the observed value behind each threshold', () => {
    const rows = thresholdRows(summary(412.34, 0.05), objectives);
    const p95 = rows.find((r) => r.expression === 'p(95)<400');
    assert.equal(p95?.ok, false);
    assert.equal(p95?.observed, 'p(95)=412.34ms');
    assert.match(p95?.description ?? '', /95% of logins/);
    assert.equal(rows.find((r) => r.expression === 'rate<0.01')?.observed, 'rate=5.00%');
  });

  it('marks a breached threshold and a check below the checks SLO as JUnit failures, escaping XML', () => {
    const xml = junitXml(summary(412.34, 0), ctx);
    assert.match(xml, /<testsuites name="login load smoke \(r1\)" tests="6" failures="2"/);
    assert.match(
      xml,
      /name="http_req_duration\{name:login\} p\(95\)&lt;400" time="0">\n\s+<failure message="observed p\(95\)=412.34ms"/,
    );
    assert.match(xml, /name="login: status is 200" time="0">\n\s+<failure message="85 of 90 passed \(94.44%\)/);
    assert.doesNotMatch(xml, /name="\[TOKEN-CONSISTENT\][^"]*" time="0">\n\s+<failure/);
    const passing = junitXml(summary(120, 0), ctx);
    assert.match(passing, /<testsuite name="thresholds" tests="4" failures="0"/);
  });

  it('renders text and Markdown with the verdict', () => {
    assert.match(
      textSummary(summary(412, 0), ctx),
      /✗ http_req_duration\{name:login\} p\(95\)<400 {2}observed p\(95\)=412ms/,
    );
    assert.match(markdownSummary(summary(412, 0), ctx), /SLOs breached ❌/);
    assert.match(markdownSummary(summary(120, 0), ctx), /SLOs hold ✅/);
  });

  it('gives the CLI a table and an exit code that never passes an empty or breached run', () => {
    const failing = thresholdRows(summary(412, 0), objectives);
    assert.match(formatSloTable(failing), /FAIL +http_req_duration\{name:login\} p\(95\)<400/);
    assert.equal(verdictCode(0, summary(120, 0), thresholdRows(summary(120, 0), objectives)), 0);
    assert.equal(verdictCode(0, summary(412, 0), failing), 99, 'a failed threshold fails even if the engine said 0');
    assert.equal(verdictCode(0, undefined, []), 1, 'no summary is never a pass');
    assert.equal(verdictCode(0, { metrics: {} }, []), 99, 'no thresholds is never a pass');
    assert.equal(verdictCode(108, summary(120, 0), []), 108);
  });
});
