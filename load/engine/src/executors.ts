// k6's six executors, supervised from the main thread. Closed-model VUs loop by themselves (src/vu/iteration-loop.ts);
// the open-model scheduler starts each arrival on a free VU through the VU's shared control block, and drops (counts
// in dropped_iterations) any arrival that finds no free VU, never queueing it.
import type { Scenario } from './options.ts';
import type { LoopSpec, ScenarioRun } from './protocol.ts';
import { arrivalsBy, stageValue } from './schedule.ts';
import type { ExecutionSegment } from './segments.ts';
import type { EngineVu as Vu } from './vu-pool.ts';

export { arrivalsBy, stageValue };

export interface ExecutorContext {
  segment: ExecutionSegment;
  /** The segment as given on the command line (VU threads rebuild it to number their iterations). */
  segmentText: string | undefined;
  segmentSequence: string | undefined;
  /** Global VU index where this scenario's VUs start (scenarios are laid out one after another). */
  vuOffset: number;
  /** Creates (or re-creates) a VU for global VU index g and waits for its init. */
  newVu(globalIndex: number): Promise<Vu>;
  /** What a VU needs to run the scenario's iterations. */
  run(s: Scenario): ScenarioRun;
  dropped(s: Scenario, count: number): void;
  /** Set when the test is aborted: executors stop starting iterations and resolve. */
  aborted(): boolean;
  /** Calls cb on abort; returns a function that unsubscribes. */
  onAbort(cb: () => void): () => void;
  activeVus(s: Scenario, n: number): void;
}

const sleep = (ms: number, ctx: ExecutorContext): Promise<void> =>
  new Promise((res) => {
    if (ctx.aborted() || ms <= 0) return res();
    const off = ctx.onAbort(() => {
      clearTimeout(t);
      res();
    });
    const t = setTimeout(() => {
      off();
      res();
    }, ms);
    // VU workers keep the process alive while the test runs; a pending wait must not keep it alive afterwards.
    t.unref();
  });

/** After the scenario's time: asks the loops to stop, waits up to gracefulStop, then interrupts what still runs. */
async function gracefulFinish(loops: Promise<void>[], vus: Vu[], stopMs: number, ctx: ExecutorContext) {
  for (const vu of vus) vu.stopLoop();
  await Promise.race([Promise.all(loops), sleep(stopMs, ctx)]);
  await Promise.all(vus.filter((v) => v.busy).map((v) => v.kill()));
  await Promise.all(loops);
}

async function initVus(s: Scenario, count: number, ctx: ExecutorContext): Promise<Vu[]> {
  const globals = ctx.segment.ownedIn(ctx.vuOffset, ctx.vuOffset + count);
  return Promise.all(globals.map((g) => ctx.newVu(g)));
}

function loopSpec(s: Scenario, kind: LoopSpec['kind'], endAt: number, iterations: number, ctx: ExecutorContext) {
  return {
    kind,
    endAt,
    counter: new SharedArrayBuffer(4),
    iterations,
    segment: ctx.segmentText,
    segmentSequence: ctx.segmentSequence,
  };
}

/** Closed model: every VU loops on its own until the spec says stop; main only watches the clock. */
async function loopVus(s: Scenario, vus: Vu[], spec: LoopSpec, ctx: ExecutorContext): Promise<void> {
  ctx.activeVus(s, vus.length);
  const run = ctx.run(s);
  const loops = vus.map((vu) => vu.loop(run, spec));
  const offAbort = ctx.onAbort(() => vus.forEach((v) => v.stopLoop()));
  await Promise.race([Promise.all(loops), sleep(Math.max(0, spec.endAt - Date.now()), ctx)]);
  await gracefulFinish(loops, vus, s.gracefulStopMs, ctx);
  offAbort();
  ctx.activeVus(s, 0);
}

export async function runSharedIterations(s: Scenario, start: number, ctx: ExecutorContext): Promise<void> {
  const vus = await initVus(s, s.vus, ctx);
  const total = ctx.segment.countBelow(s.iterations);
  const spec = loopSpec(s, 'shared-iterations', start + s.maxDurationMs, total, ctx);
  await loopVus(s, vus, spec, ctx);
  const claimed = Math.min(total, Atomics.load(new Int32Array(spec.counter), 0));
  if (claimed < total) ctx.dropped(s, total - claimed);
}

export async function runPerVuIterations(s: Scenario, start: number, ctx: ExecutorContext): Promise<void> {
  const vus = await initVus(s, s.vus, ctx);
  await loopVus(s, vus, loopSpec(s, 'per-vu-iterations', start + s.maxDurationMs, s.iterations, ctx), ctx);
  const missing = vus.reduce((a, vu) => a + Math.max(0, s.iterations - vu.started), 0);
  if (missing > 0) ctx.dropped(s, missing);
}

export async function runConstantVus(s: Scenario, start: number, ctx: ExecutorContext): Promise<void> {
  const vus = await initVus(s, s.vus, ctx);
  await loopVus(s, vus, loopSpec(s, 'constant-vus', start + s.durationMs, 0, ctx), ctx);
}

export async function runRampingVus(s: Scenario, start: number, ctx: ExecutorContext): Promise<void> {
  const globals = ctx.segment.ownedIn(ctx.vuOffset, ctx.vuOffset + s.vus);
  const vus: Vu[] = await Promise.all(globals.map((g) => ctx.newVu(g)));
  const endAt = start + s.stages.reduce((a, x) => a + x.durationMs, 0);
  const base = loopSpec(s, 'ramping-vus', endAt, 0, ctx);
  const run = ctx.run(s);
  const isActive = (k: number) =>
    globals[k]! - ctx.vuOffset < Math.floor(stageValue(s.startVUs, s.stages, Date.now() - start));
  const offAbort = ctx.onAbort(() => vus.forEach((v) => v.stopLoop()));
  // Each VU loops for the whole scenario, idling while ramped down. A VU interrupted by gracefulRampDown is
  // re-initialised when the stages need it again.
  const supervise = async (k: number) => {
    const spec: LoopSpec = {
      ...base,
      ramping: { index: globals[k]! - ctx.vuOffset, start, startVUs: s.startVUs, stages: s.stages },
    };
    while (!ctx.aborted() && Date.now() < endAt) {
      if (vus[k]!.dead) {
        if (!isActive(k)) {
          await sleep(Math.min(50, endAt - Date.now()), ctx);
          continue;
        }
        vus[k] = await ctx.newVu(globals[k]!);
      }
      await vus[k]!.loop(run, spec);
    }
  };
  const loops = globals.map((_, k) => supervise(k));
  // gracefulRampDown: a VU ramped down mid-iteration gets this long to finish before it is interrupted.
  const inactiveSince = new Map<number, number>();
  const rampDownWatch = setInterval(() => {
    let active = 0;
    for (let k = 0; k < globals.length; k++) {
      if (isActive(k)) {
        active++;
        inactiveSince.delete(k);
        continue;
      }
      const since = inactiveSince.get(k) ?? Date.now();
      inactiveSince.set(k, since);
      if (vus[k]!.busy && Date.now() - since > s.gracefulRampDownMs) void vus[k]!.kill();
    }
    ctx.activeVus(s, active);
  }, 100);
  await Promise.race([Promise.all(loops), sleep(Math.max(0, endAt - Date.now()), ctx)]);
  clearInterval(rampDownWatch);
  await gracefulFinish(loops, vus, s.gracefulStopMs, ctx);
  offAbort();
  ctx.activeVus(s, 0);
}

export async function runArrivalRate(s: Scenario, start: number, ctx: ExecutorContext): Promise<void> {
  const durationMs =
    s.executor === 'constant-arrival-rate' ? s.durationMs : s.stages.reduce((a, x) => a + x.durationMs, 0);
  const preGlobals = ctx.segment.ownedIn(ctx.vuOffset, ctx.vuOffset + s.preAllocatedVUs);
  const extraGlobals = ctx.segment.ownedIn(ctx.vuOffset + s.preAllocatedVUs, ctx.vuOffset + s.maxVUs);
  const run = ctx.run(s);
  const all: Vu[] = await Promise.all(preGlobals.map((g) => ctx.newVu(g)));
  const loops = all.map((vu) => vu.serve(run));
  ctx.activeVus(s, all.length);
  let allocating = false;
  let finished = false;
  let globalNext = 0;
  let localIter = 0;
  const scenarioStart = Date.now();
  const total = Math.floor(arrivalsBy(s, durationMs) + 1e-9);

  while (!ctx.aborted()) {
    const elapsed = Date.now() - scenarioStart;
    const due = Math.min(total, Math.floor(arrivalsBy(s, elapsed) + 1e-9));
    let droppedNow = 0;
    for (; globalNext < due; globalNext++) {
      if (!ctx.segment.owns(globalNext)) continue;
      // The first free VU in pool order takes it: the same few VUs stay hot when the rate allows.
      if (all.some((vu) => vu.tryStart(localIter, globalNext))) {
        localIter++;
        continue;
      }
      droppedNow++;
      // No free VU: the iteration is dropped (open model); grow the pool in the background up to maxVUs.
      if (!allocating && all.length < preGlobals.length + extraGlobals.length) {
        allocating = true;
        const g = extraGlobals[all.length - preGlobals.length]!;
        void ctx.newVu(g).then(
          (v) => {
            allocating = false;
            if (finished) return void v.kill();
            all.push(v);
            loops.push(v.serve(run));
            ctx.activeVus(s, all.length);
          },
          () => (allocating = false),
        );
      }
    }
    if (droppedNow > 0) ctx.dropped(s, droppedNow);
    if (globalNext >= total || elapsed >= durationMs) break;
    // Sleep until the next arrival is due (at most 5 ms, so a stalled loop catches up quickly).
    let nextAt = elapsed + 5;
    const perMs = s.executor === 'constant-arrival-rate' ? s.rate / s.timeUnitMs : 0;
    if (perMs > 0) nextAt = Math.min(nextAt, (globalNext + 1) / perMs);
    await sleep(Math.max(1, Math.ceil(nextAt - elapsed)), ctx);
  }
  finished = true;
  await gracefulFinish(loops, all, s.gracefulStopMs, ctx);
  ctx.activeVus(s, 0);
}

export function runScenario(s: Scenario, start: number, ctx: ExecutorContext): Promise<void> {
  switch (s.executor) {
    case 'shared-iterations':
      return runSharedIterations(s, start, ctx);
    case 'per-vu-iterations':
      return runPerVuIterations(s, start, ctx);
    case 'constant-vus':
      return runConstantVus(s, start, ctx);
    case 'ramping-vus':
      return runRampingVus(s, start, ctx);
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return runArrivalRate(s, start, ctx);
  }
}
