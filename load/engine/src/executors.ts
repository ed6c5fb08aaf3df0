// k6's six executors on the main thread. Each hands iterations to VU workers; the open-model ones start iterations
// on a clock and drop (count in dropped_iterations) any iteration that finds no free VU, never queueing it.
import type { Scenario } from './options.ts';
import type { ExecutionSegment } from './segments.ts';
import type { IterationOutcome, Vu } from './vu-pool.ts';

export interface ExecutorContext {
  segment: ExecutionSegment;
  /** Global VU index where this scenario's VUs start (scenarios are laid out one after another). */
  vuOffset: number;
  /** Creates (or re-creates) a VU for global VU index g and waits for its init. */
  newVu(globalIndex: number): Promise<Vu>;
  /** Runs one iteration on vu; resolves when done (or interrupted). */
  runIteration(vu: Vu, s: Scenario, iterationInInstance: number, iterationInTest: number): Promise<IterationOutcome>;
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

/** Waits for running iterations up to gracefulStop, then interrupts the rest (k6's gracefulStop). */
async function gracefulFinish(running: Set<Promise<unknown>>, vus: Vu[], stopMs: number, ctx: ExecutorContext) {
  if (running.size > 0) await Promise.race([Promise.all(running), sleep(stopMs, ctx)]);
  await Promise.all(vus.filter((v) => v.busy).map((v) => v.kill()));
}

async function initVus(s: Scenario, count: number, ctx: ExecutorContext): Promise<Vu[]> {
  const globals = ctx.segment.ownedIn(ctx.vuOffset, ctx.vuOffset + count);
  return Promise.all(globals.map((g) => ctx.newVu(g)));
}

/** Closed model: each VU loops while `more()` says so. */
async function loopVus(
  s: Scenario,
  vus: Vu[],
  endAt: number,
  ctx: ExecutorContext,
  more: (vu: Vu) => boolean,
  nextIteration: () => number,
): Promise<void> {
  const running = new Set<Promise<unknown>>();
  let localIter = 0;
  const loops = vus.map(async (vu) => {
    while (!ctx.aborted() && !vu.dead && Date.now() < endAt && more(vu)) {
      const iterInTest = nextIteration();
      if (iterInTest < 0) break;
      const p = ctx.runIteration(vu, s, localIter++, iterInTest);
      running.add(p);
      await p;
      running.delete(p);
    }
  });
  const all = Promise.all(loops);
  const stop = Math.max(0, endAt - Date.now());
  await Promise.race([all, sleep(stop, ctx)]);
  await gracefulFinish(running, vus, s.gracefulStopMs, ctx);
  await Promise.race([all, sleep(s.gracefulStopMs, ctx)]);
}

export async function runSharedIterations(s: Scenario, start: number, ctx: ExecutorContext): Promise<void> {
  const vus = await initVus(s, s.vus, ctx);
  ctx.activeVus(s, vus.length);
  const total = ctx.segment.countBelow(s.iterations);
  let claimed = 0;
  await loopVus(
    s,
    vus,
    start + s.maxDurationMs,
    ctx,
    () => claimed < total,
    () => (claimed < total ? ctx.segment.globalIndex(claimed++) : -1),
  );
  if (claimed < total) ctx.dropped(s, total - claimed);
  ctx.activeVus(s, 0);
}

export async function runPerVuIterations(s: Scenario, start: number, ctx: ExecutorContext): Promise<void> {
  const vus = await initVus(s, s.vus, ctx);
  ctx.activeVus(s, vus.length);
  const done = new Map<Vu, number>();
  let n = 0;
  await loopVus(
    s,
    vus,
    start + s.maxDurationMs,
    ctx,
    (vu) => {
      const c = done.get(vu) ?? 0;
      if (c >= s.iterations) return false;
      done.set(vu, c + 1);
      return true;
    },
    () => ctx.segment.globalIndex(n++),
  );
  const missing = vus.reduce((a, vu) => a + (s.iterations - (done.get(vu) ?? 0)), 0);
  if (missing > 0) ctx.dropped(s, missing);
  ctx.activeVus(s, 0);
}

export async function runConstantVus(s: Scenario, start: number, ctx: ExecutorContext): Promise<void> {
  const vus = await initVus(s, s.vus, ctx);
  ctx.activeVus(s, vus.length);
  let n = 0;
  await loopVus(
    s,
    vus,
    start + s.durationMs,
    ctx,
    () => true,
    () => ctx.segment.globalIndex(n++),
  );
  ctx.activeVus(s, 0);
}

/** Linear interpolation of the stages: target value at t ms after the scenario start. */
export function stageValue(startValue: number, stages: Scenario['stages'], t: number): number {
  let from = startValue;
  let at = 0;
  for (const st of stages) {
    if (t < at + st.durationMs) return from + ((st.target - from) * (t - at)) / st.durationMs;
    at += st.durationMs;
    from = st.target;
  }
  return from;
}

export async function runRampingVus(s: Scenario, start: number, ctx: ExecutorContext): Promise<void> {
  const maxVus = s.vus;
  const globals = ctx.segment.ownedIn(ctx.vuOffset, ctx.vuOffset + maxVus);
  const vus: (Vu | null)[] = await Promise.all(globals.map((g) => ctx.newVu(g)));
  const total = s.stages.reduce((a, x) => a + x.durationMs, 0);
  const endAt = start + total;
  const running = new Set<Promise<unknown>>();
  const inactiveSince = new Map<number, number>();
  let n = 0;
  const loops = globals.map(async (g, k) => {
    let localIter = 0;
    while (!ctx.aborted() && Date.now() < endAt) {
      const target = Math.floor(stageValue(s.startVUs, s.stages, Date.now() - start));
      if (g - ctx.vuOffset >= target) {
        if (!inactiveSince.has(k)) inactiveSince.set(k, Date.now());
        await sleep(Math.min(50, endAt - Date.now()), ctx);
        continue;
      }
      inactiveSince.delete(k);
      let vu = vus[k];
      if (!vu || vu.dead) {
        vu = await ctx.newVu(g);
        vus[k] = vu;
      }
      const p = ctx.runIteration(vu, s, localIter++, ctx.segment.globalIndex(n++));
      running.add(p);
      await p;
      running.delete(p);
    }
  });
  // gracefulRampDown: a VU ramped down mid-iteration gets this long to finish before it is interrupted.
  const rampDownWatch = setInterval(() => {
    for (const [k, since] of inactiveSince) {
      const vu = vus[k];
      if (vu && vu.busy && Date.now() - since > s.gracefulRampDownMs) void vu.kill();
    }
    const active = globals.filter(
      (g) => g - ctx.vuOffset < Math.floor(stageValue(s.startVUs, s.stages, Date.now() - start)),
    ).length;
    ctx.activeVus(s, active);
  }, 100);
  const all = Promise.all(loops);
  await Promise.race([all, sleep(Math.max(0, endAt - Date.now()), ctx)]);
  clearInterval(rampDownWatch);
  await gracefulFinish(
    running,
    vus.filter((v): v is Vu => v !== null),
    s.gracefulStopMs,
    ctx,
  );
  await Promise.race([all, sleep(s.gracefulStopMs, ctx)]);
  ctx.activeVus(s, 0);
}

/** Iterations due by t ms after start: the integral of the rate (per ms) over the stages. */
export function arrivalsBy(s: Scenario, t: number): number {
  if (s.executor === 'constant-arrival-rate') return Math.min(t, s.durationMs) * (s.rate / s.timeUnitMs);
  let total = 0;
  let from = s.startRate;
  let at = 0;
  for (const st of s.stages) {
    const span = Math.min(Math.max(t - at, 0), st.durationMs);
    if (span > 0) {
      const rateAtEnd = from + ((st.target - from) * span) / st.durationMs;
      total += ((from + rateAtEnd) / 2) * span;
    }
    at += st.durationMs;
    from = st.target;
    if (t <= at) break;
  }
  return total / s.timeUnitMs;
}

export async function runArrivalRate(s: Scenario, start: number, ctx: ExecutorContext): Promise<void> {
  const durationMs =
    s.executor === 'constant-arrival-rate' ? s.durationMs : s.stages.reduce((a, x) => a + x.durationMs, 0);
  const preGlobals = ctx.segment.ownedIn(ctx.vuOffset, ctx.vuOffset + s.preAllocatedVUs);
  const extraGlobals = ctx.segment.ownedIn(ctx.vuOffset + s.preAllocatedVUs, ctx.vuOffset + s.maxVUs);
  const free: Vu[] = await Promise.all(preGlobals.map((g) => ctx.newVu(g)));
  const all: Vu[] = [...free];
  ctx.activeVus(s, all.length);
  let allocating = false;
  let finished = false;
  const running = new Set<Promise<unknown>>();
  let globalNext = 0;
  let localIter = 0;
  const scenarioStart = Date.now();
  const total = Math.floor(arrivalsBy(s, durationMs) + 1e-9);

  const startOn = (vu: Vu, iterInTest: number) => {
    const p = ctx.runIteration(vu, s, localIter++, iterInTest).then(() => {
      running.delete(p);
      if (!vu.dead) free.push(vu);
    });
    running.add(p);
  };

  while (!ctx.aborted()) {
    const elapsed = Date.now() - scenarioStart;
    const due = Math.min(total, Math.floor(arrivalsBy(s, elapsed) + 1e-9));
    let droppedNow = 0;
    for (; globalNext < due; globalNext++) {
      if (!ctx.segment.owns(globalNext)) continue;
      const vu = free.pop();
      if (vu) {
        startOn(vu, globalNext);
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
            free.push(v);
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
  await gracefulFinish(running, all, s.gracefulStopMs, ctx);
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
