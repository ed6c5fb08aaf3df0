import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { arrivalsBy, stageValue } from '../src/executors.ts';
import { normalizeScenario } from '../src/options.ts';
import { metricValue, runFixture, startServer, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

const outDir = mkdtempSync(join(tmpdir(), 'engine-executors-'));

interface Point {
  metric: string;
  data: { time: string; value: number; tags: Record<string, string> };
}

async function run(executor: string, env: Record<string, string> = {}) {
  const jsonOut = join(outDir, `${executor}-${Date.now()}.ndjson`);
  const r = await runFixture('executors.ts', { env: { EXECUTOR: executor, BASE: server.base, ...env }, jsonOut });
  const points = readFileSync(jsonOut, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string } & Point)
    .filter((p) => p.type === 'Point');
  return { ...r, points, perVu: points.filter((p) => p.metric === 'per_vu') };
}

test('shared-iterations: exactly N iterations shared by the VUs, each iterationInTest once', async () => {
  const r = await run('shared-iterations');
  assert.equal(metricValue(r.summary, 'iterations', 'count'), 10);
  const ids = r.perVu.map((p) => Number(p.data.tags['iter'])).sort((a, b) => a - b);
  assert.deepEqual(ids, [...Array(10).keys()]);
  assert.ok(new Set(r.perVu.map((p) => p.data.tags['vu'])).size <= 3);
});

test('per-vu-iterations: each VU runs its own iterations', async () => {
  const r = await run('per-vu-iterations');
  assert.equal(metricValue(r.summary, 'iterations', 'count'), 12);
  const byVu = new Map<string, number>();
  for (const p of r.perVu) byVu.set(p.data.tags['vu']!, (byVu.get(p.data.tags['vu']!) ?? 0) + 1);
  assert.deepEqual([...byVu.values()], [4, 4, 4]);
});

test('constant-vus: 2 VUs loop for the duration', async () => {
  const started = Date.now();
  const r = await run('constant-vus', { ITER_MS: '100' });
  const n = metricValue(r.summary, 'iterations', 'count') ?? 0;
  assert.ok(n >= 12 && n <= 22, `about 2 VUs x 10 iterations/s x 1s, got ${n}`);
  assert.deepEqual(new Set(r.perVu.map((p) => p.data.tags['vu'])), new Set(['1', '2']));
  assert.ok(Date.now() - started < 6000);
  assert.equal(metricValue(r.summary, 'vus_max', 'value'), 2);
});

test('ramping-vus: VUs follow the stages up to the target and back down', async () => {
  const r = await run('ramping-vus', { ITER_MS: '50' });
  assert.equal(metricValue(r.summary, 'vus', 'max'), 3);
  const vus = new Set(r.perVu.map((p) => p.data.tags['vu']));
  assert.equal(vus.size, 3);
  const n = metricValue(r.summary, 'iterations', 'count') ?? 0;
  // about 0.5s*1.5 + 0.5s*3 + 0.3s*1.5 VU-seconds at 20 it/s per VU = ~54
  assert.ok(n > 25 && n < 70, `iterations ${n}`);
});

test('constant-arrival-rate: starts rate x duration iterations on schedule, none dropped with free VUs', async () => {
  const r = await run('constant-arrival-rate', { HTTP: '1' });
  const dropped = metricValue(r.summary, 'dropped_iterations', 'count') ?? 0;
  assert.equal((metricValue(r.summary, 'iterations', 'count') ?? 0) + dropped, 40);
  // On an idle machine none is dropped; a busy shared machine may stall a thread now and then.
  assert.ok(dropped <= 4, `dropped ${dropped}`);
  const times = r.perVu.map((p) => Date.parse(p.data.time)).sort((a, b) => a - b);
  const span = times[times.length - 1]! - times[0]!;
  assert.ok(span > 850 && span < 1300, `iterations spread over the second (${span} ms)`);
});

test('constant-arrival-rate is an open model: slow iterations with too few VUs are dropped, not queued', async () => {
  const r = await run('too-few-vus', { ITER_MS: '300' });
  const done = metricValue(r.summary, 'iterations', 'count') ?? 0;
  const dropped = metricValue(r.summary, 'dropped_iterations', 'count') ?? 0;
  assert.equal(done + dropped, 40);
  assert.ok(dropped >= 20, `at most 4 VUs x ~3.3 it/s can run; dropped ${dropped}`);
  assert.ok((metricValue(r.summary, 'vus_max', 'max') ?? 0) > 2, 'grew the pool towards maxVUs');
});

test('ramping-arrival-rate: iterations follow the integral of the rate stages', async () => {
  const r = await run('ramping-arrival-rate');
  // 0->40/s over 1s = 20, then 40/s for 0.5s = 20
  const dropped = metricValue(r.summary, 'dropped_iterations', 'count') ?? 0;
  assert.equal((metricValue(r.summary, 'iterations', 'count') ?? 0) + dropped, 40);
  assert.ok(dropped <= 4, `dropped ${dropped}`);
});

test('gracefulStop: an iteration still running after duration + gracefulStop is interrupted', async () => {
  const started = Date.now();
  const r = await run('graceful-stop', { ITER_MS: '3000' });
  assert.ok(Date.now() - started < 2500, 'did not wait for the 3 s iteration');
  assert.equal(metricValue(r.summary, 'iterations', 'count'), undefined, 'the interrupted iteration is not counted');
});

test('several scenarios at once with exec, tags and startTime', async () => {
  const r = await runFixture('multi-scenario.ts');
  assert.equal(r.exitCode, 0, r.stdout);
  assert.equal(metricValue(r.summary, 'calls', 'count'), 7);
  assert.equal(metricValue(r.summary, 'calls{scenario:late}', 'count'), 4);
});

test('schedule arithmetic: stage interpolation and arrival integral', () => {
  const s = normalizeScenario(
    'x',
    {
      executor: 'ramping-arrival-rate',
      startRate: 10,
      timeUnit: '1s',
      preAllocatedVUs: 1,
      stages: [
        { duration: '10s', target: 30 },
        { duration: '10s', target: 30 },
      ],
    },
    ['default'],
  );
  assert.equal(arrivalsBy(s, 10000), 200);
  assert.equal(arrivalsBy(s, 20000), 500);
  assert.equal(stageValue(0, s.stages, 5000), 15);
});
