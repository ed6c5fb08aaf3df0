import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareRuns, loadTolerances, overallVerdict, parseTolerances, pickBaseline } from '../review/compare.ts';
import { appendHistory, readHistory, recordFromRun, type HistoryRecord } from '../review/history.ts';
import { reviewRun, writeReview } from '../review/review.ts';
import { makeRun, tempPaths } from './helpers.ts';

const tolerances = loadTolerances();

function record(over: Partial<HistoryRecord>): HistoryRecord {
  return {
    runId: 'r',
    profile: 'smoke',
    engine: 'node',
    target: 'http://127.0.0.1:1',
    commit: 'abc',
    startedAt: '2026-11-20T02:00:00.000Z',
    endedAt: '2026-11-20T02:01:00.000Z',
    passed: true,
    requests: 1000,
    ko: 0,
    errorRate: 0,
    throughput: 20,
    p50: 40,
    p95: 120,
    p99: 200,
    max: 300,
    mean: 50,
    instances: 1,
    thresholds: [],
    runDir: '',
    schedule: '1→3s:6,12s:6 per 1s, maxVUs 20',
    managedTarget: true,
    ...over,
  };
}

test('a latency regression beyond tolerance fails, within tolerance passes', () => {
  const base = record({});
  const slower = compareRuns(record({ p95: 200 }), base, tolerances);
  assert.equal(slower.find((c) => c.key === 'p95')?.verdict, 'fail');
  assert.equal(overallVerdict(slower), 'fail');
  const same = compareRuns(record({ p95: 125, p50: 41 }), base, tolerances);
  assert.equal(overallVerdict(same), 'pass');
});

test('a large relative change of a tiny latency is noise, not a regression (minDeltaMs)', () => {
  const c = compareRuns(record({ p50: 3 }), record({ p50: 2 }), tolerances).find((x) => x.key === 'p50');
  assert.equal(c?.verdict, 'pass');
  assert.ok((c?.deltaPct ?? 0) > 40);
});

test('error rate and throughput regressions are judged on their own tolerances', () => {
  const c = compareRuns(record({ errorRate: 0.02, throughput: 15 }), record({}), tolerances);
  assert.equal(c.find((x) => x.key === 'errorRate')?.verdict, 'fail');
  assert.equal(c.find((x) => x.key === 'throughput')?.verdict, 'fail');
});

test('the baseline is the last passing earlier run of the same profile', () => {
  const history = [
    record({ runId: 'a', startedAt: '2026-11-18T02:00:00Z' }),
    record({ runId: 'b', startedAt: '2026-11-19T02:00:00Z', passed: false }),
    record({ runId: 'c', startedAt: '2026-11-19T03:00:00Z', profile: 'stress' }),
  ];
  assert.equal(pickBaseline(history, record({ runId: 'now' }))?.runId, 'a');
  assert.equal(pickBaseline(history, record({ runId: 'now', profile: 'spike' })), undefined);
  // Another schedule (a scaled-down proof run) or another kind of target is not a like-for-like baseline.
  assert.equal(pickBaseline(history, record({ runId: 'now', schedule: '1→3s:6,12s:6 per 1s, maxVUs 10' })), undefined);
  assert.equal(pickBaseline(history, record({ runId: 'now', managedTarget: false })), undefined);
});

test('history appends one line per run; reruns replace, malformed lines are counted', () => {
  const paths = tempPaths();
  appendHistory(record({ runId: 'x', p95: NaN }), paths.loadHistory);
  appendHistory(record({ runId: 'y' }), paths.loadHistory);
  appendHistory(record({ runId: 'x', p95: 99 }), paths.loadHistory);
  appendFileSync(paths.loadHistory, 'not json\n');
  const { records, malformed } = readHistory(paths.loadHistory);
  assert.deepEqual(
    records.map((r) => r.runId),
    ['y', 'x'],
  );
  assert.equal(records[1]?.p95, 99);
  const { runId, profile, engine, target, commit, startedAt, endedAt } = record({});
  assert.deepEqual(
    { ...records[1], runId: 'r' },
    { ...records[1], runId, profile, engine, target, commit, startedAt, endedAt },
    'the run labels survive the round trip',
  );
  assert.equal(malformed, 1);
  assert.match(readFileSync(paths.loadHistory, 'utf8').split('\n')[0] ?? '', /"p95":null/);
  const withoutEngine: Partial<HistoryRecord> = record({ runId: 'z' });
  delete withoutEngine.engine;
  appendFileSync(paths.loadHistory, `${JSON.stringify(withoutEngine)}\n`);
  assert.equal(readHistory(paths.loadHistory).records.find((r) => r.runId === 'z')?.engine, '');
});

test('tolerance files are validated with one-line errors', () => {
  assert.throws(() => parseTolerances({}, 't.json'), /t\.json: "p50" must be an object/);
  const bad = JSON.parse(readFileSync(join(process.cwd(), 'config/review-tolerances.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  bad.p95 = { warnPct: 50, failPct: 10, minDeltaMs: 1 };
  assert.throws(() => parseTolerances(bad, 't.json'), /warnPct must not exceed failPct/);
});

test('a review of real run directories writes HTML, Markdown and JSON with the regression named', async () => {
  const paths = tempPaths();
  for (let i = 0; i < 3; i += 1) {
    const dir = makeRun(paths, `nightly-${i}`, { seed: i + 1, startMs: Date.UTC(2026, 10, 20 + i, 2) });
    appendHistory(await recordFromRun(dir), paths.loadHistory);
  }
  const slow = makeRun(paths, 'nightly-slow', { medianMs: 70, startMs: Date.UTC(2026, 10, 25, 2) });
  const review = await reviewRun({ runDir: slow, historyFile: paths.loadHistory, tolerances });
  assert.equal(review.baseline?.runId, 'nightly-2');
  assert.equal(review.verdict, 'fail');
  assert.equal(review.trend.length, 4);
  const files = writeReview(review, paths.review);
  assert.match(readFileSync(files.markdown, 'utf8'), /Performance review: FAIL/);
  assert.match(readFileSync(files.markdown, 'utf8'), /\| ❌ \| p95 latency \|/);
  assert.match(readFileSync(files.html, 'utf8'), /Latency percentiles per run/);
  assert.equal((JSON.parse(readFileSync(files.json, 'utf8')) as { verdict: string }).verdict, 'fail');
  const first = await reviewRun({
    runDir: join(paths.loadRuns, 'nightly-0'),
    historyFile: join(paths.root, 'none.jsonl'),
    tolerances,
  });
  assert.equal(first.verdict, 'no-baseline');
});

test('a baseline given as a file is used as is; a bad one is one clear error', async () => {
  const paths = tempPaths();
  const run = makeRun(paths, 'now');
  const file = join(paths.root, 'baseline.json');
  writeFileSync(
    file,
    JSON.stringify(record({ runId: 'pinned', p50: 10, p95: 20, p99: 30, throughput: 18.6, errorRate: 0.01 })),
  );
  const r = await reviewRun({ runDir: run, baseline: file, historyFile: paths.loadHistory, tolerances });
  assert.equal(r.baseline?.runId, 'pinned');
  assert.equal(r.verdict, 'fail');
  writeFileSync(file, '{"hello":1}');
  await assert.rejects(reviewRun({ runDir: run, baseline: file, tolerances }), /is not a load history record/);
});
