// A VU's iteration loop, run inside its worker thread. The VU starts its own iterations (closed-model executors) or
// takes arrival-rate iterations from main through its shared control block, so an iteration costs no message and no
// event-loop turn between main and the VU. Samples go to main in batches (every FLUSH_MS), not one message each.
import { CMD, CTL, CTL_F64_OFFSET, type IterationOrder, type LoopSpec, type ScenarioRun } from '../protocol.ts';
import { stageValue } from '../schedule.ts';
import { ExecutionSegment } from '../segments.ts';
import { STATE } from '../execution-state.ts';
import type { RawSample } from './host-api.ts';

export interface IterationResult {
  samples: RawSample[];
  error: string | null;
  aborted: string | null;
}

export interface LoopHost {
  /** Runs one iteration; calls done synchronously, or later for an async exec function. */
  iterate(order: IterationOrder, done: (o: IterationResult) => void): void;
  samples(samples: RawSample[]): void;
  iterationError(error: string, run: ScenarioRun): void;
  aborted(reason: string): void;
  loopDone(): void;
}

/** Batch window for samples: short enough for thresholds (evaluated every 2 s), long enough to spare main. */
export const FLUSH_MS = 100;
export const FLUSH_SAMPLES = 4000;

export function createLoops(control: SharedArrayBuffer, poolState: Int32Array, host: LoopHost) {
  const ctl = new Int32Array(control, 0, 4);
  const numbers = new Float64Array(control, CTL_F64_OFFSET, 2);
  const perScenario = new Map<string, number>();
  let pending: RawSample[] = [];
  let lastFlush = Date.now();
  let stopping = false;

  function flush(): void {
    lastFlush = Date.now();
    if (pending.length === 0) return;
    host.samples(pending);
    pending = [];
  }

  function after(run: ScenarioRun, o: IterationResult): void {
    // Completed iterations feed exec.instance.iterationsCompleted; main counts the interrupted ones.
    Atomics.add(poolState, STATE.COMPLETED, 1);
    for (const s of o.samples) pending.push(s);
    if (o.error !== null) host.iterationError(o.error, run);
    if (o.aborted !== null) {
      stopping = true;
      flush();
      host.aborted(o.aborted);
    }
    if (pending.length >= FLUSH_SAMPLES || Date.now() - lastFlush >= FLUSH_MS) flush();
    Atomics.store(ctl, CTL.STATE, 0);
  }

  /** Runs iterations while next() gives their numbers [iterationInInstance, iterationInTest]. */
  function drive(run: ScenarioRun, next: () => [number, number] | null): void {
    stopping = false;
    Atomics.store(ctl, CTL.STARTED, 0);
    const step = (): void => {
      for (;;) {
        const n = next();
        if (n === null) {
          flush();
          host.loopDone();
          return;
        }
        const inScenario = perScenario.get(run.scenario) ?? 0;
        perScenario.set(run.scenario, inScenario + 1);
        Atomics.add(ctl, CTL.STARTED, 1);
        Atomics.store(ctl, CTL.STATE, 1);
        const order: IterationOrder = {
          ...run,
          iterationInScenario: inScenario,
          iterationInInstance: n[0],
          iterationInTest: n[1],
        };
        let sync = true;
        let finishedSync = false;
        host.iterate(order, (o) => {
          after(run, o);
          if (sync) finishedSync = true;
          else step(); // an async iteration finished in a microtask: carry on from there
        });
        sync = false;
        if (!finishedSync) return;
      }
    };
    step();
  }

  /** Arrival-rate: wait (futex) until main starts an iteration on this VU or stops the loop. */
  function serve(run: ScenarioRun): void {
    drive(run, () => {
      for (;;) {
        if (stopping) return null;
        const cmd = Atomics.exchange(ctl, CTL.CMD, CMD.NONE);
        if (cmd & CMD.STOP) stopping = true;
        if (cmd & CMD.RUN) return [numbers[0]!, numbers[1]!];
        if (stopping) return null;
        if (pending.length > 0 && Date.now() - lastFlush >= FLUSH_MS) flush();
        Atomics.wait(ctl, CTL.CMD, CMD.NONE, pending.length > 0 ? FLUSH_MS : 1000);
      }
    });
  }

  /** Closed model: the VU claims its next iteration number from the scenario's shared counter. */
  function loop(run: ScenarioRun, spec: LoopSpec): void {
    const counter = new Int32Array(spec.counter);
    const segment = new ExecutionSegment(spec.segment, spec.segmentSequence);
    let mine = 0;
    drive(run, () => {
      for (;;) {
        if (stopping || Atomics.load(ctl, CTL.CMD) & CMD.STOP) return null;
        const now = Date.now();
        if (now >= spec.endAt) return null;
        const r = spec.ramping;
        if (r && r.index >= Math.floor(stageValue(r.startVUs, r.stages, now - r.start))) {
          // Ramped down (or not yet up): idle until the stages bring this VU back, or the loop is stopped.
          flush();
          Atomics.wait(ctl, CTL.CMD, CMD.NONE, Math.min(50, spec.endAt - now));
          continue;
        }
        break;
      }
      if (spec.kind === 'per-vu-iterations' && mine >= spec.iterations) return null;
      const n = Atomics.add(counter, 0, 1);
      if (spec.kind === 'shared-iterations' && n >= spec.iterations) return null;
      mine++;
      return [n, segment.globalIndex(n)];
    });
  }

  return { serve, loop };
}
