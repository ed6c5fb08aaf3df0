// Capacity in the performance review (a drop beyond config/review-tolerances.json is flagged, a breakpoint run can be
// a baseline), in the history, and in the gate (minCapacityRps from the SLO file; a breakpoint run's by-design breaches).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSlo, sloFor } from '../../load/lib/slo.ts';
import { capacityCheck, loadThresholdsCheck } from '../gate/checks.ts';
import type { RunAnalysis } from '../load-report/analysis.ts';
import { computeCapacity, unavailableCapacity, type CapacityResult } from '../load-report/capacity.ts';
import { compareRuns, loadTolerances, parseTolerances, pickBaseline } from '../review/compare.ts';
import { appendHistory, readHistory, type CapacityRecord, type HistoryRecord } from '../review/history.ts';
import { renderReviewMarkdown } from '../review/render.ts';

const tolerances = loadTolerances();

function record(runId: string, capacity: CapacityRecord | null, over: Partial<HistoryRecord> = {}): HistoryRecord {
  return {
    runId,
    profile: 'breakpoint',
    engine: 'node',
    target: 'http://127.0.0.1:1',
    commit: 'abc',
    startedAt: '2026-12-03T02:00:00.000Z',
    endedAt: '2026-12-03T02:03:00.000Z',
    passed: false, // a breakpoint run breaks its thresholds by design
    requests: 5000,
    ko: 0,
    errorRate: 0,
    throughput: 40,
    p50: 300,
    p95: 2000,
    p99: 3000,
    max: 4000,
    mean: 500,
    instances: 1,
    thresholds: [],
    runDir: '',
    schedule: '0→150s:150 per 1s, maxVUs 100',
    managedTarget: true,
    capacity,
    ...over,
  };
}

const measured = (rps: number): CapacityRecord => ({
  status: 'measured',
  rps,
  low: rps - 3,
  high: rps + 6,
  breakRps: rps + 3,
});

test('a capacity drop beyond the tolerance fails the review; within it, warns or passes', () => {
  const base = record('night-1', measured(60));
  const verdict = (rps: number) => compareRuns(record('night-2', measured(rps)), base, tolerances);
  const fail = verdict(30);
  assert.deepEqual(
    fail.map((c) => c.key),
    ['capacity'],
    'a breakpoint run is compared on capacity only',
  );
  assert.equal(fail[0]?.verdict, 'fail');
  assert.ok(Math.abs((fail[0]?.deltaPct ?? 0) + 50) < 1e-9);
  assert.equal(verdict(52)[0]?.verdict, 'warn'); // -13 %
  assert.equal(verdict(58)[0]?.verdict, 'pass'); // -3 %
  assert.equal(verdict(70)[0]?.verdict, 'pass');
  const collapsed = compareRuns(
    record('night-2', { status: 'below-range', rps: NaN, low: 0, high: 10, breakRps: 10 }),
    base,
    tolerances,
  );
  assert.equal(collapsed[0]?.verdict, 'fail', 'breaking from the lowest rate is a collapse');
  const lowerBound = compareRuns(
    record('night-2', { status: 'not-reached', rps: 150, low: 150, high: NaN, breakRps: NaN }),
    base,
    tolerances,
  );
  assert.equal(lowerBound[0]?.verdict, 'pass');
});

test('a stress run keeps every comparison and adds capacity; runs without capacity compare as before', () => {
  const stress = (id: string, rps: number) =>
    record(id, measured(rps), { profile: 'stress', passed: true, p95: 100, p99: 200 });
  const keys = compareRuns(stress('b', 20), stress('a', 40), tolerances).map((c) => c.key);
  assert.deepEqual(keys, ['p50', 'p95', 'p99', 'errorRate', 'throughput', 'capacity']);
  const plain = compareRuns(
    record('b', null, { profile: 'smoke' }),
    record('a', null, { profile: 'smoke' }),
    tolerances,
  );
  assert.equal(
    plain.some((c) => c.key === 'capacity'),
    false,
  );
  const unavailable = compareRuns(
    record('b', { status: 'unavailable', rps: NaN, low: NaN, high: NaN, breakRps: NaN }),
    record('a', measured(50)),
    tolerances,
  );
  assert.equal(
    unavailable.some((c) => c.key === 'capacity'),
    false,
    'no figure, no comparison',
  );
});

test('a breakpoint run with a measured capacity can be the baseline, though its thresholds failed', () => {
  const first = record('night-1', measured(60), { startedAt: '2026-12-03T02:00:00.000Z' });
  const noFigure = record('night-x', null, { startedAt: '2026-12-03T12:00:00.000Z' });
  const second = record('night-2', measured(30), { startedAt: '2026-12-04T02:00:00.000Z' });
  assert.equal(pickBaseline([first, noFigure, second], second)?.runId, 'night-1');
  const smoke = record('s1', null, { profile: 'smoke', schedule: '', passed: false });
  assert.equal(pickBaseline([smoke], record('s2', null, { profile: 'smoke', schedule: '' })), undefined);
});

test('the history keeps the capacity (NaN as null and back); older lines have none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'capacity-history-'));
  try {
    const file = join(dir, 'load.jsonl');
    appendHistory(record('n1', { status: 'not-reached', rps: 150, low: 150, high: NaN, breakRps: NaN }), file);
    appendHistory(record('n0', null, { profile: 'smoke' }), file);
    const { records } = readHistory(file);
    assert.equal(records[0]?.capacity?.status, 'not-reached');
    assert.equal(records[0]?.capacity?.rps, 150);
    assert.ok(Number.isNaN(records[0]?.capacity?.high));
    assert.equal(records[1]?.capacity, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('capacity tolerances: defaults for older files, one clear line for a bad value', () => {
  const raw = {
    p50: { warnPct: 1, failPct: 2, minDeltaMs: 0 },
    p95: { warnPct: 1, failPct: 2, minDeltaMs: 0 },
    p99: { warnPct: 1, failPct: 2, minDeltaMs: 0 },
    errorRate: { warnIncrease: 0, failIncrease: 0 },
    throughput: { warnDropPct: 1, failDropPct: 2 },
  };
  assert.deepEqual(parseTolerances(raw, 'old.json').capacity, { warnDropPct: 10, failDropPct: 20 });
  assert.throws(
    () => parseTolerances({ ...raw, capacity: { warnDropPct: -1, failDropPct: 2 } }, 'bad.json'),
    /bad\.json capacity: "warnDropPct" must be a number >= 0/,
  );
  assert.deepEqual(tolerances.capacity, { warnDropPct: 10, failDropPct: 20 }, 'config/review-tolerances.json');
});

test('the review markdown quotes the capacity and its baseline', () => {
  const run = record('night-2', measured(30));
  const base = record('night-1', { status: 'not-reached', rps: 150, low: 150, high: NaN, breakRps: NaN });
  const md = renderReviewMarkdown({
    run,
    baseline: base,
    baselineSource: 'given',
    comparisons: compareRuns(run, base, tolerances),
    verdict: 'fail',
    trend: [base, run],
    notes: [],
  });
  assert.match(md, /Capacity: \*\*30\.0 logins\/s\*\* at which every SLO held; baseline ≥ 150\.0\./);
  assert.match(md, /\| ❌ \| capacity \| 150\.0 req\/s \| \*\*30\.0 req\/s\*\* \| −120\.0 req\/s \(−80\.0 %\) \|/);
});

// ---- gate ----

function analysis(profile: string, capacity: CapacityResult | undefined, thresholdsOk: boolean[]): RunAnalysis {
  const metrics = [
    'http_req_duration{name:login}',
    'dropped_iterations',
    'login_contract_ok',
    'http_req_failed{name:login}',
  ];
  return {
    meta: {
      runId: `run-${profile}`,
      profile,
      engine: 'node',
      target: '',
      commit: '',
      startedAt: '',
      endedAt: '',
      schedule: '',
    },
    thresholds: thresholdsOk.map((ok, i) => ({
      metric: metrics[i] ?? 'checks',
      expression: 'x<1',
      description: '',
      value: 2,
      ok,
      judgedBy: 'k6 summary',
      declaredIn: [],
      perInstance: [],
      note: '',
    })),
    headline: { count: 100, p95: 20 },
    global: { count: 100 },
    merged: false,
    instanceCount: 1,
    ...(capacity ? { capacity } : {}),
  } as unknown as RunAnalysis;
}

const slo = { loginP95Ms: 500, loginP99Ms: 1000, errorRateMax: 0.01, droppedIterationsShareMax: 0.02 };
/** A real capacity result: a ramp to 100/s whose latency jumps past the SLO at 60/s. */
function cliffCapacity(): CapacityResult {
  const series = Array.from({ length: 200 }, (_, i) => {
    const rate = (i + 0.5) / 2;
    const n = Math.round(rate);
    return { t: i * 1000, rate, latencies: Array.from({ length: n }, () => (rate < 60 ? 20 : 900)), ko: 0, dropped: 0 };
  });
  return computeCapacity(series, slo, { resolutionRps: 5, bootstrapRounds: 50 });
}

test('gate: the capacity must reach minCapacityRps; a lower bound that does not, or no figure, fails', () => {
  const c = cliffCapacity();
  assert.equal(c.status, 'measured');
  const ok = capacityCheck(analysis('breakpoint', c, []), 50, '');
  assert.equal(ok.status, 'pass', ok.detail);
  assert.match(ok.detail, /^57\.5 logins\/s >= minimum 50 logins\/s \(config\/slo\.json minCapacityRps\)/);
  const low = capacityCheck(analysis('breakpoint', c, []), 80, '');
  assert.equal(low.status, 'fail');
  assert.match(low.detail, /57\.5 logins\/s is below the minimum 80 logins\/s/);
  const bound = { ...c, status: 'not-reached' as const, capacityRps: 40 };
  assert.match(
    capacityCheck(analysis('breakpoint', bound, []), 80, '').detail,
    /ramp stopped at ≥ 40\.0 logins\/s.*ramp higher/,
  );
  assert.equal(
    capacityCheck(analysis('breakpoint', { ...c, status: 'not-reached', capacityRps: 90 }, []), 80, '').status,
    'pass',
  );
  assert.match(
    capacityCheck(analysis('smoke', undefined, []), 10, '').detail,
    /has no capacity figure: .* needs a breakpoint or stress run/,
  );
  assert.equal(capacityCheck(analysis('breakpoint', unavailableCapacity('no schedule'), []), 10, '').status, 'fail');
  assert.equal(capacityCheck(undefined, 10, 'no load run').detail, 'no load run');
});

test('gate: a breakpoint run breaks latency and dropped thresholds by design; a contract breach still fails', () => {
  const c = cliffCapacity();
  const byDesign = loadThresholdsCheck(analysis('breakpoint', c, [false, false, true, false]), '');
  assert.equal(byDesign.status, 'pass', byDesign.detail);
  assert.match(byDesign.detail, /breakpoint run, 3 load threshold\(s\) broke by design \(capacity 57\.5 logins\/s/);
  const contract = loadThresholdsCheck(analysis('breakpoint', c, [false, true, false, true]), '');
  assert.equal(contract.status, 'fail');
  assert.match(contract.detail, /1 of 4 thresholds breached: login_contract_ok/);
  const stress = loadThresholdsCheck(analysis('stress', c, [false, true, true, true]), '');
  assert.equal(stress.status, 'fail', 'only breakpoint runs break by design');
  const noFigure = loadThresholdsCheck(analysis('breakpoint', unavailableCapacity('x'), [false, true, true, true]), '');
  assert.equal(noFigure.status, 'fail', 'without a capacity, a breach is a breach');
});

test('SLO file: minCapacityRps is optional, per profile, and bounded', () => {
  const base = {
    loginP95Ms: 500,
    loginP99Ms: 1000,
    errorRateMax: 0.01,
    checksRateMin: 0.99,
    droppedIterationsShareMax: 0.01,
    minSamplesShare: 0.5,
    minSamplesFloor: 10,
  };
  const file = parseSlo(JSON.stringify({ defaults: base, profiles: { breakpoint: { minCapacityRps: 25 } } }), 's.json');
  assert.equal(sloFor(file, 'breakpoint').minCapacityRps, 25);
  assert.equal(sloFor(file, 'smoke').minCapacityRps, undefined);
  assert.throws(
    () => parseSlo(JSON.stringify({ defaults: base, profiles: { breakpoint: { minCapacityRps: -1 } } }), 's.json'),
    /s\.json profiles\.breakpoint: "minCapacityRps" must be a number from 0 to 600000/,
  );
});
