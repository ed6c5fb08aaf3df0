// The engine's second design (K6_ENGINE_DESIGN=qjs: QuickJS VUs, many per host thread) against the first on the same
// fixtures: the same counts of requests, checks and iterations, the same failures named, for a closed-model script,
// every k6/http request form and an arrival-rate scenario. The whole engine suite also runs on it with
// `K6_ENGINE_DESIGN=qjs npm run test:unit -- load/engine`; this file keeps the design from rotting in every CI run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { metricValue, runFixture, startServer, type EngineRun, type TestServer } from './helpers.ts';

let server: TestServer;
before(async () => (server = await startServer()));
after(() => server.close());

async function onDesign(design: 'threads' | 'qjs', run: () => Promise<EngineRun>): Promise<EngineRun> {
  const before = process.env['K6_ENGINE_DESIGN'];
  process.env['K6_ENGINE_DESIGN'] = design;
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env['K6_ENGINE_DESIGN'];
    else process.env['K6_ENGINE_DESIGN'] = before;
  }
}

function figures(r: EngineRun): Record<string, number | undefined> {
  return {
    exit: r.exitCode,
    http_reqs: metricValue(r.summary, 'http_reqs', 'count'),
    checks_passes: metricValue(r.summary, 'checks', 'passes'),
    checks_fails: metricValue(r.summary, 'checks', 'fails'),
    failed_passes: metricValue(r.summary, 'http_req_failed', 'passes'),
    iterations: metricValue(r.summary, 'iterations', 'count'),
  };
}

for (const [name, fixture, env] of [
  ['check, groups, sleep, fail() and custom metrics', 'k6-core.ts', {}],
  ['every k6/http request form, error code and response callback', 'http-api.ts', { BASE: '' }],
  ['shared iterations over several VUs', 'executors.ts', { EXECUTOR: 'shared-iterations', BASE: '' }],
  ['the sandbox: no Node global, no engine bridge reachable', 'sandbox.ts', {}],
] as const) {
  test(`qjs design = threads design: ${name}`, async () => {
    const withBase = { ...env, ...('BASE' in env ? { BASE: server.base } : {}) };
    const threads = await onDesign('threads', () => runFixture(fixture, { env: withBase }));
    const qjs = await onDesign('qjs', () => runFixture(fixture, { env: withBase }));
    assert.equal(qjs.error, '', qjs.error);
    assert.ok(threads.summary && qjs.summary, `${threads.error} ${qjs.stderr}`);
    assert.deepEqual(figures(qjs), figures(threads), qjs.stderr);
    assert.ok((figures(qjs).http_reqs ?? 0) + (figures(qjs).iterations ?? 0) > 0, 'the fixture did something');
  });
}

test('qjs design: an error thrown by the script names its message and its file and line', async () => {
  const r = await onDesign('qjs', () => runFixture('k6-core.ts'));
  assert.match(r.stderr, /deliberate failure on the second iteration of VU 1/);
  assert.match(r.stderr, /k6-core\.ts:\d+/);
});

test('qjs design: a blocking call too deep for the asyncify buffer interrupts that iteration and re-creates the VU', async () => {
  const shallow = await onDesign('qjs', () => runFixture('deep-stack.ts', { env: { BASE: server.base, DEPTH: '50' } }));
  assert.equal(metricValue(shallow.summary, 'checks', 'passes'), 3, shallow.stderr);
  const deep = await onDesign('qjs', () => runFixture('deep-stack.ts', { env: { BASE: server.base, DEPTH: '2000' } }));
  assert.equal(deep.exitCode, 0, 'the run ends normally instead of hanging on a dead VU');
  assert.equal(deep.stderr.match(/QuickJS instance aborted/g)?.length, 3, deep.stderr);
  assert.match(deep.stderr, /the iteration is interrupted and the VU re-created/);
});

test('qjs design: VUs started from the runtime image each have their own Math.random sequence', async () => {
  for (const design of ['threads', 'qjs'] as const) {
    const r = await onDesign(design, () => runFixture('vu-random.ts'));
    const lines = [...`${r.stdout}\n${r.stderr}`.matchAll(/random vu=(\d+) ok=(\w+) values=([\d.,e-]+)/g)];
    assert.equal(lines.length, 6, `${design}: one line per VU\n${r.stderr}`);
    assert.ok(
      lines.every((m) => m[2] === 'true'),
      `${design}: every value a number in [0, 1)`,
    );
    const values = lines.flatMap((m) => m[3]!.split(','));
    assert.equal(new Set(values).size, values.length, `${design}: no two values alike\n${values.join('\n')}`);
  }
});

test('a design or host-thread count the engine does not know is one line naming the variable, exit 104', async () => {
  const design = await onDesign('fast' as 'qjs', () => runFixture('vu-random.ts'));
  assert.equal(design.exitCode, 104);
  assert.match(design.error, /^K6_ENGINE_DESIGN="fast" is not an engine design: use threads \(the default\) or qjs$/);
  process.env['ENGINE_HOST_THREADS'] = 'two';
  try {
    const threads = await onDesign('qjs', () => runFixture('vu-random.ts'));
    assert.equal(threads.exitCode, 104);
    assert.match(threads.error, /^ENGINE_HOST_THREADS="two" is not a thread count/);
  } finally {
    delete process.env['ENGINE_HOST_THREADS'];
  }
});

test('qjs design: the event-loop lag counts from the first iteration, so it tells a computing VU from VU start-up', async () => {
  const figures = (r: EngineRun) => {
    const m = /event loop lagged \(p99 ([\d.]+) ms, max ([\d.]+) ms\)/.exec(r.stderr);
    assert.ok(m, `a lag warning (each case holds its threads' loops for over 1 ms at p99)\n${r.stderr}`);
    return { p99: Number(m[1]), max: Number(m[2]) };
  };
  // 60 VUs take the host threads' loops for most of a second before the clock starts; that was counted as lag.
  const many = figures(await onDesign('qjs', () => runFixture('event-loop-lag.ts', { env: { VUS: '60' } })));
  assert.ok(many.max < 300, `60 sleeping VUs: max ${many.max} ms, VU start-up counted as lag`);
  // 30 ms of computing per iteration holds the loop 30 ms at a time: the figure says so.
  const busy = figures(await onDesign('qjs', () => runFixture('event-loop-lag.ts', { env: { BUSY_MS: '30' } })));
  assert.ok(busy.p99 >= 20 && busy.max < 300, `4 computing VUs: p99 ${busy.p99} ms, max ${busy.max} ms`);
});
