// The VU-side loop (src/vu/iteration-loop.ts), driven in this thread with a fake host: how iterations are numbered
// and claimed, how main starts and stops a serving VU through the control block, and that batching loses no sample.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CMD, CTL, CTL_BYTES, CTL_F64_OFFSET, type IterationOrder, type LoopSpec } from '../src/protocol.ts';
import type { RawSample } from '../src/vu/host-api.ts';
import { createLoops, type IterationResult } from '../src/vu/iteration-loop.ts';

const run = {
  exec: 'default',
  scenario: 'sc',
  executor: 'x',
  scenarioStartTime: 0,
  scenarioTags: {},
  scenarioEnv: {},
};

/** One fake VU: records the orders it ran and the samples and messages it sent to main. */
function fakeVu(opts: { async?: boolean } = {}) {
  const control = new SharedArrayBuffer(CTL_BYTES);
  const poolState = new Int32Array(new SharedArrayBuffer(16));
  const orders: IterationOrder[] = [];
  const delivered: RawSample[] = [];
  let flushes = 0;
  let loopsDone = 0;
  const loops = createLoops(control, poolState, {
    iterate(order, done: (o: IterationResult) => void) {
      orders.push(order);
      const result = { samples: [['iterations', 1, {}, Date.now()] as RawSample], error: null, aborted: null };
      if (opts.async) void Promise.resolve().then(() => done(result));
      else done(result);
    },
    samples: (s) => {
      flushes++;
      delivered.push(...s);
    },
    iterationError: () => undefined,
    aborted: () => undefined,
    loopDone: () => loopsDone++,
  });
  const ctl = new Int32Array(control, 0, 4);
  const numbers = new Float64Array(control, CTL_F64_OFFSET, 2);
  return {
    loops,
    ctl,
    orders,
    delivered,
    poolState,
    flushes: () => flushes,
    loopsDone: () => loopsDone,
    /** What main's Vu.tryStart does. */
    start(inInstance: number, inTest: number): boolean {
      if (Atomics.compareExchange(ctl, CTL.STATE, 0, 1) !== 0) return false;
      numbers[0] = inInstance;
      numbers[1] = inTest;
      Atomics.or(ctl, CTL.CMD, CMD.RUN);
      return true;
    },
  };
}

const spec = (kind: LoopSpec['kind'], iterations: number, counter: SharedArrayBuffer, extra: Partial<LoopSpec> = {}) =>
  ({
    kind,
    endAt: Date.now() + 10_000,
    counter,
    iterations,
    segment: undefined,
    segmentSequence: undefined,
    ...extra,
  }) satisfies LoopSpec;

test('shared-iterations: VUs sharing the counter run exactly N iterations, each number once', async () => {
  const counter = new SharedArrayBuffer(4);
  // Async iterations interleave the two loops, as concurrent VU threads would.
  const a = fakeVu({ async: true });
  const b = fakeVu({ async: true });
  a.loops.loop(run, spec('shared-iterations', 5, counter));
  b.loops.loop(run, spec('shared-iterations', 5, counter));
  await new Promise((r) => setImmediate(r));
  const numbers = [...a.orders, ...b.orders].map((o) => o.iterationInInstance).sort((x, y) => x - y);
  assert.deepEqual(numbers, [0, 1, 2, 3, 4]);
  assert.ok(a.orders.length > 0 && b.orders.length > 0, 'both VUs took iterations');
  assert.equal(a.loopsDone() + b.loopsDone(), 2);
  // exec.vu.iterationInScenario counts per VU, exec.instance.iterationsCompleted per instance.
  assert.deepEqual(
    b.orders.map((o) => o.iterationInScenario),
    [...b.orders.keys()],
  );
  assert.equal(Atomics.load(a.poolState, 2), a.orders.length);
});

test('per-vu-iterations: each VU stops at its own count; numbers stay unique across VUs', () => {
  const counter = new SharedArrayBuffer(4);
  const vus = [fakeVu(), fakeVu()];
  for (const vu of vus) vu.loops.loop(run, spec('per-vu-iterations', 4, counter));
  assert.deepEqual(
    vus.map((v) => v.orders.length),
    [4, 4],
  );
  const all = vus.flatMap((v) => v.orders.map((o) => o.iterationInTest)).sort((x, y) => x - y);
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(Atomics.load(vus[1]!.ctl, CTL.STARTED), 4);
});

test('iterationInTest is unique across the segments of a sequence (each instance numbers its own share)', () => {
  const seq = '0,1/3,1';
  const ids = ['0:1/3', '1/3:1'].flatMap((segment) => {
    const vu = fakeVu();
    const total = segment === '0:1/3' ? 3 : 6; // the instances' shares of 9 iterations
    vu.loops.loop(run, spec('shared-iterations', total, new SharedArrayBuffer(4), { segment, segmentSequence: seq }));
    return vu.orders.map((o) => o.iterationInTest);
  });
  assert.deepEqual(
    ids.sort((x, y) => x - y),
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
});

test('a stopped loop starts no further iteration; an elapsed endAt neither', () => {
  const stopped = fakeVu();
  Atomics.or(stopped.ctl, CTL.CMD, CMD.STOP);
  stopped.loops.loop(run, spec('constant-vus', 0, new SharedArrayBuffer(4)));
  assert.equal(stopped.orders.length, 0);
  const late = fakeVu();
  late.loops.loop(run, spec('constant-vus', 0, new SharedArrayBuffer(4), { endAt: Date.now() - 1 }));
  assert.equal(late.orders.length, 0);
  assert.equal(late.loopsDone(), 1);
});

test('serve: an iteration started by main runs with its numbers, even when the stop arrives with it', () => {
  const vu = fakeVu();
  assert.equal(vu.start(7, 42), true);
  assert.equal(vu.start(8, 43), false, 'a busy VU cannot take a second iteration');
  Atomics.or(vu.ctl, CTL.CMD, CMD.STOP);
  vu.loops.serve(run);
  assert.deepEqual(
    vu.orders.map((o) => [o.iterationInInstance, o.iterationInTest]),
    [[7, 42]],
  );
  assert.equal(Atomics.load(vu.ctl, CTL.STATE), 0, 'free again');
  assert.equal(vu.loopsDone(), 1);
});

test('samples are batched but none is lost: the loop end flushes the rest', async () => {
  const vu = fakeVu({ async: true });
  vu.loops.loop(run, spec('shared-iterations', 50, new SharedArrayBuffer(4)));
  await new Promise((r) => setImmediate(r));
  assert.equal(vu.orders.length, 50, 'async iterations continue from their microtask');
  assert.equal(vu.delivered.length, 50);
  assert.ok(vu.flushes() < 50, `${vu.flushes()} flushes for 50 iterations`);
  assert.equal(vu.loopsDone(), 1);
});

test("ramping-vus: a VU above the stages' current VU count idles instead of iterating", () => {
  const stages = [{ durationMs: 100, target: 1 }];
  const start = Date.now();
  const ramping = (index: number) => ({ index, start, startVUs: 1, stages });
  const counter = new SharedArrayBuffer(4);
  const idle = fakeVu();
  idle.loops.loop(run, spec('ramping-vus', 0, counter, { endAt: start + 100, ramping: ramping(1) }));
  assert.equal(idle.orders.length, 0);
  assert.equal(idle.loopsDone(), 1);
  const active = fakeVu();
  active.loops.loop(run, spec('ramping-vus', 0, counter, { endAt: Date.now() + 5, ramping: ramping(0) }));
  assert.ok(active.orders.length > 0);
});
