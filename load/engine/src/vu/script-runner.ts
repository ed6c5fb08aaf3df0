// Runs the script's exported functions for the worker: an iteration (default or a scenario's exec) or a lifecycle
// call (setup, teardown, handleSummary). Each ends by handing over the samples it emitted plus k6's per-iteration
// ones, and resets the per-iteration state (sink, group, bytes).
import type { IterationOrder } from '../protocol.ts';
import type { RawSample } from './host-api.ts';
import { formatLogArgs } from './globals.ts';
import { ScriptAbort } from './modules/execution.ts';
import { baseTags, emit } from './samples.ts';
import { Error, JSON, Number, Object, String } from './sandbox-builtins.ts';
import type { Dict, VuState } from './vu-state.ts';

export interface IterationOutcome {
  samples: RawSample[];
  error: string | null;
  aborted: string | null;
  durationMs: number;
}

export interface LifecycleOutcome {
  result: string | null;
  error: string | null;
  aborted: string | null;
  samples: RawSample[];
}

/** `where`: the exported function the error escaped from (V8 gives a thrown non-Error value no stack at all). */
function errorText(e: unknown, where: string): string {
  if (e instanceof Error) {
    const head = `${e.name}: ${e.message}`;
    // V8's stack starts with "Name: message"; QuickJS's (the second design's sandbox) is the frames alone.
    return e.stack === undefined ? head : e.stack.startsWith(head) ? e.stack : `${head}\n${e.stack}`;
  }
  return `Uncaught (in promise) ${formatLogArgs([e])}\n\tat ${where} (a thrown ${typeof e} has no stack trace: throw new Error(...) to see the file and line)`;
}

export function createScriptRunner(vu: VuState) {
  let setupData: unknown = undefined;

  /** Emits data_sent/data_received, and iterations/iteration_duration unless aborted; empties the sink. */
  function finishIteration(start: number, error: string | null, aborted: string | null): IterationOutcome {
    const end = vu.host.now();
    const tags = baseTags(vu);
    if (vu.iterBytes.sent > 0) emit(vu, 'data_sent', vu.iterBytes.sent, tags, end);
    if (vu.iterBytes.received > 0) emit(vu, 'data_received', vu.iterBytes.received, tags, end);
    if (aborted === null) {
      emit(vu, 'iterations', 1, tags, end);
      emit(vu, 'iteration_duration', end - start, tags, end);
    }
    const out = { samples: vu.samples, error, aborted, durationMs: end - start };
    vu.samples = [];
    vu.iterBytes = { sent: 0, received: 0 };
    vu.groupPath = '';
    return out;
  }

  /** The call (iteration, lifecycle or init) still waiting for its promise or the event loop; see pump(). */
  let waiting: { tryFinish: () => boolean; fail: (e: unknown) => void; finishNow: () => void } | null = null;

  /**
   * Runs fn; calls back with the outcome once its result has settled (async functions) and the event loop has no
   * timer or queued work left, as k6 ends an iteration. Synchronous when nothing is pending (no pump needed).
   */
  function runGuarded(
    fn: () => unknown,
    where: string,
    start: number,
    done: (o: IterationOutcome, value: unknown) => void,
  ): void {
    const { loop } = vu;
    let value: unknown;
    let error: string | null = null;
    let aborted: string | null = null;
    let settled = true;
    const fail = (e: unknown): void => {
      if (error !== null || aborted !== null) return;
      if (e instanceof ScriptAbort) aborted = e.message;
      else error = errorText(e, where);
    };
    const finishNow = (): void => {
      waiting = null;
      loop.reset();
      done(finishIteration(start, error, aborted), error === null && aborted === null ? value : undefined);
    };
    // An exception ends the call at once (k6 interrupts the iteration); otherwise it waits for the loop to empty.
    const tryFinish = (): boolean => {
      if (loop.error !== null) fail(loop.error.value);
      if (error === null && aborted === null && (!settled || loop.busy())) return false;
      finishNow();
      return true;
    };
    try {
      value = fn();
    } catch (e) {
      fail(e);
      return finishNow();
    }
    if (value !== null && typeof value === 'object' && typeof (value as Dict)['then'] === 'function') {
      settled = false;
      const me = { tryFinish, fail, finishNow };
      (value as Promise<unknown>).then(
        (v) => {
          value = v;
          settled = true;
          if (waiting === me) tryFinish();
        },
        (e: unknown) => {
          settled = true;
          fail(e);
          if (waiting === me) tryFinish();
        },
      );
      waiting = me;
      return;
    }
    if (!tryFinish()) waiting = { tryFinish, fail, finishNow };
  }

  /**
   * Called by the host whenever its microtask queue is empty while a call is waiting: finishes it when it can, else
   * advances the event loop one step. True while the call still waits (drain microtasks, then call again). A
   * promise that nothing pending can settle ends the call, as k6 ends an iteration whose event loop is empty.
   */
  function pump(): boolean {
    const w = waiting;
    if (w === null) return false;
    if (w.tryFinish()) return false;
    if (!vu.loop.busy()) {
      w.finishNow();
      return false;
    }
    vu.loop.step();
    if (vu.loop.error !== null) return !w.tryFinish();
    return true;
  }

  /**
   * The end of the init context: `result` is what the script's module function returned (a promise when the script
   * uses top-level await); done once it settled and the timers it armed have run (synchronously when none).
   */
  function awaitInit(result: unknown, done: (error: string | null) => void): void {
    runGuarded(
      () => result,
      'the init context',
      vu.host.now(),
      (o) => {
        vu.samples = [];
        done(o.error ?? o.aborted);
      },
    );
  }

  function iterate(order: IterationOrder, done: (o: IterationOutcome) => void): void {
    const { current } = vu;
    current.scenario = String(order.scenario);
    current.executor = String(order.executor);
    current.scenarioStartTime = Number(order.scenarioStartTime);
    current.iterationInScenario = Number(order.iterationInScenario);
    current.iterationInInstance = Number(order.iterationInInstance);
    current.iterationInTest = Number(order.iterationInTest);
    current.scenarioTags = { ...order.scenarioTags };
    current.vuIteration++;
    const g = globalThis as unknown as Dict;
    g['__ITER'] = current.vuIteration;
    // Read the global each time: a script may have replaced __ENV.
    const env = g['__ENV'] as Dict;
    for (const [k, v] of Object.entries(order.scenarioEnv)) env[k] = String(v);
    const fn = vu.exports[order.exec];
    const start = vu.host.now();
    if (typeof fn !== 'function') {
      done(finishIteration(start, `exported function "${order.exec}" not found in the script`, null));
      return;
    }
    runGuarded(
      () => (fn as (d: unknown) => unknown)(setupData),
      String(order.exec),
      start,
      (o) => done(o),
    );
  }

  /** setup / teardown / handleSummary: the result is JSON text ('' for undefined); no iteration samples. */
  function lifecycle(name: string, argJson: string, done: (o: LifecycleOutcome) => void): void {
    const fn = vu.exports[name];
    vu.current.scenario = '';
    if (typeof fn !== 'function') return done({ result: null, error: null, aborted: null, samples: [] });
    const arg = argJson === '' ? undefined : JSON.parse(argJson);
    runGuarded(
      () => (fn as (d: unknown) => unknown)(arg),
      name,
      vu.host.now(),
      (o, value) => {
        const samples = o.samples.filter((s) => s[0] !== 'iterations' && s[0] !== 'iteration_duration');
        let result: string | null = null;
        if (o.error === null && o.aborted === null) {
          try {
            result = value === undefined ? '' : JSON.stringify(value);
          } catch (e) {
            const error = `${name}() returned data that is not JSON-serialisable: ${(e as Error).message}`;
            return done({ result: null, error, aborted: null, samples });
          }
        }
        done({ result, error: o.error, aborted: o.aborted, samples });
      },
    );
  }

  return {
    finishIteration,
    iterate,
    lifecycle,
    pump,
    awaitInit,
    setSetupData(json: string): void {
      setupData = json === '' ? undefined : JSON.parse(json);
    },
  };
}
