// A host thread of the second engine design: many VUs on one event loop, each a QuickJS instance (qjs-vu.ts) whose
// blocking k6 calls suspend it while this thread goes on with the others. The thread performs its VUs' HTTP itself
// (a keep-alive pool per VU, as k6 keeps one per VU), runs closed-model loops locally, starts arrival-rate
// iterations when main says so, and sends samples to main in batches. No SharedArrayBuffer wait, no wake-up of
// another thread per request.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { HttpRequestSpec, IterationOrder, LoopSpec, ScenarioRun } from '../protocol.ts';
import { STATE } from '../execution-state.ts';
import { stageValue } from '../schedule.ts';
import { ExecutionSegment } from '../segments.ts';
import { ConnectionPool, perform, setInsecureSkipTLSVerify } from '../io/perform.ts';
import { mapStack } from '../stack.ts';
import type { MetricDeclaration, RawSample } from '../vu/host-api.ts';
import { FLUSH_MS, FLUSH_SAMPLES } from '../vu/iteration-loop.ts';
import { nodeHostCalls } from '../vu/node-host.ts';
import { describeThrown, ScriptFailure } from './bridge.ts';
import { QjsVu, useWasmModule, type AsyncHost, type IterationOutcome } from './qjs-vu.ts';
import { VU_CELL, type HostThreadData, type MainToHost, type HostToMain } from './host-protocol.ts';

const wd = workerData as HostThreadData;
const port = parentPort!;
const state = new Int32Array(wd.stateBuffer);
setInsecureSkipTLSVerify(wd.insecureSkipTLSVerify);
useWasmModule(wd.wasm);

let pending: RawSample[] = [];

function post(msg: HostToMain): void {
  port.postMessage(msg);
}

function flush(): void {
  if (pending.length === 0) return;
  post({ t: 'samples', samples: pending });
  pending = [];
}
setInterval(flush, FLUSH_MS).unref();

// Cooperative scheduling: a VU computing delays every other VU's reply handling on this thread, and so their timings.
// The event loop's delay is measured from the thread's first iteration to the end and reported to main (the summary
// shows the worst thread). Not before: creating VUs and warming up hold the loop for ~1 s per 50 VUs before the clock
// starts, when nothing is timed, and counting it made every run with many VUs warn of a lag it never had.
// The histogram holds the time between its timer's turns, the resolution included: the delay is what lies beyond it.
const LAG_RESOLUTION_MS = 10;
const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
lag.enable();
let lagFromFirstIteration = false;
function measureLagFromNow(): void {
  if (lagFromFirstIteration) return;
  lagFromFirstIteration = true;
  lag.reset();
}
const beyond = (ns: number): number => Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS);
setInterval(() => {
  if (lagFromFirstIteration) post({ t: 'lag', p99Ms: beyond(lag.percentile(99)), maxMs: beyond(lag.max) });
}, 1000).unref();

function describe(e: unknown): string {
  const text = e instanceof ScriptFailure ? e.message : typeof e === 'string' ? e : describeThrown(e);
  return mapStack(text, wd.sourceMap, wd.scriptPath);
}

interface HostedVu {
  readonly id: number;
  vu: QjsVu | undefined;
  initPhase: boolean;
  abortReason: string | null;
  /** The scenario it serves (arrival-rate), or loops (closed model); null when idle. */
  serving: ScenarioRun | null;
  running: boolean;
  stopping: boolean;
  killed: boolean;
  perScenario: Map<string, number>;
  pool: ConnectionPool;
  /** Shared with main (VU_CELL). */
  cells: Int32Array;
  /** Re-creates the VU's QuickJS instance (init context again) after its WebAssembly aborted. */
  recreate: () => Promise<void>;
}

/**
 * k6's sleep lasts at least its duration; a Node timer can fire a fraction of a millisecond early (it counts from the
 * event loop's cached clock), so it is re-armed until the time has really passed.
 */
function sleepAtLeast(ms: number): Promise<void> {
  const until = performance.now() + ms;
  return new Promise((resolve) => {
    const check = (): void => {
      const left = until - performance.now();
      if (left <= 0) resolve();
      else setTimeout(check, Math.max(1, Math.ceil(left)));
    };
    setTimeout(check, ms);
  });
}

const vus = new Map<number, HostedVu>();
let warmedUp = false;
/** ~0.5 s of one core per host thread; three alternated 2,000 it/s runs dropped 498-748 iterations with it and
 *  657-979 without (docs/benchmarks/2026-12-engine-qjs.md). */
const WARM_UP_ROUNDS = 2000;
const sharedArrays: Record<string, string> = { ...wd.sharedArrays };

function hostFor(h: HostedVu, declared: MetricDeclaration[]): AsyncHost {
  return {
    async request(specJson) {
      const specs = JSON.parse(specJson) as HttpRequestSpec[];
      const results =
        specs.length === 1
          ? [await perform(h.pool, specs[0]!)]
          : await Promise.all(specs.map((s) => perform(h.pool, s)));
      return JSON.stringify(results);
    },
    sleep: (ms) => sleepAtLeast(ms),
    flush(samples) {
      for (const s of samples) pending.push(s);
    },
    abort(reason) {
      h.abortReason = reason;
    },
    log(level, text) {
      post({ t: 'log', vu: h.id, level, text });
    },
    isInitPhase: () => h.initPhase,
    htmlModuleSource: () => wd.htmlCode,
    ...nodeHostCalls({ scriptPath: wd.scriptPath, testStartTime: wd.testStartTime, state, sharedArrays, declared }),
  };
}

async function spawn(id: number, idInTest: number, cells: SharedArrayBuffer): Promise<void> {
  const h: HostedVu = {
    id,
    vu: undefined,
    initPhase: true,
    abortReason: null,
    serving: null,
    running: false,
    stopping: false,
    killed: false,
    perScenario: new Map(),
    pool: new ConnectionPool(),
    cells: new Int32Array(cells),
    recreate: async () => undefined,
  };
  vus.set(id, h);
  const declared: MetricDeclaration[] = [];
  const identity = { vuId: id, idInTest, env: wd.env, globalTags: wd.globalTags, instanceId: wd.instanceId };
  h.recreate = async () => {
    h.initPhase = true;
    h.vu = await QjsVu.create(hostFor(h, []), identity, wd.runtimeCode, wd.scriptCode);
    h.initPhase = false;
  };
  try {
    h.vu = await QjsVu.create(hostFor(h, declared), identity, wd.runtimeCode, wd.scriptCode);
    h.initPhase = false;
    // The thread's first VU runs the request path before the clock starts: V8 compiles this thread's hot code and
    // tiers up the WebAssembly then, not in the test's first seconds (arrival-rate runs dropped iterations there).
    if (!warmedUp && id > 0) {
      warmedUp = true;
      await h.vu.warmUp(WARM_UP_ROUNDS);
    }
    post({
      t: 'ready',
      vu: id,
      options: h.vu.optionsJson(),
      exports: h.vu.exportNames(),
      metrics: declared,
      sharedArrays,
    });
  } catch (e) {
    const hint =
      e instanceof ScriptFailure && (e.value === null || typeof e.value !== 'object')
        ? ` (a thrown ${typeof e.value} has no stack trace: throw new Error(...) to see the file and line)`
        : '';
    post({ t: 'initError', vu: id, message: `${describe(e)}${hint}` });
  }
}

/** One iteration on a VU; samples queued, errors and aborts reported; false when the VU must stop looping. */
async function runIteration(h: HostedVu, run: ScenarioRun, numbers: [number, number]): Promise<boolean> {
  const inScenario = h.perScenario.get(run.scenario) ?? 0;
  h.perScenario.set(run.scenario, inScenario + 1);
  const order: IterationOrder = {
    ...run,
    iterationInScenario: inScenario,
    iterationInInstance: numbers[0],
    iterationInTest: numbers[1],
  };
  measureLagFromNow();
  h.running = true;
  // RUNNING before STARTED: main reads them in the other order (host-pool.ts, HostedVu.running).
  Atomics.store(h.cells, VU_CELL.RUNNING, 1);
  Atomics.add(h.cells, VU_CELL.STARTED, 1);
  let o: IterationOutcome;
  try {
    o = await h.vu!.iterate(order);
  } catch (e) {
    if (!isWasmAbort(e)) {
      o = { samples: [], error: describe(e), aborted: null };
    } else {
      // The VU's WebAssembly instance is dead (typically: a blocking call made too deep in the call stack for the
      // asyncify buffer). Never a silent dead VU: the iteration counts as interrupted, and a fresh instance runs the
      // init context again and takes the next iterations.
      h.running = false;
      Atomics.store(h.cells, VU_CELL.RUNNING, 0);
      Atomics.add(state, STATE.INTERRUPTED, 1);
      post({ t: 'iterationError', error: abortMessage(h.id, e), scenario: run.scenario, executor: run.executor });
      if (h.killed) return false;
      try {
        await h.recreate();
        return true;
      } catch (again) {
        post({
          t: 'iterationError',
          error: `VU ${h.id} could not be re-created: ${describe(again)}`,
          scenario: run.scenario,
          executor: run.executor,
        });
        return false;
      }
    }
  }
  h.running = false;
  Atomics.store(h.cells, VU_CELL.RUNNING, 0);
  if (h.killed) return false;
  Atomics.add(state, STATE.COMPLETED, 1);
  for (const s of o.samples) pending.push(s);
  if (pending.length >= FLUSH_SAMPLES) flush();
  if (o.error !== null)
    post({ t: 'iterationError', error: describe(o.error), scenario: run.scenario, executor: run.executor });
  const aborted = o.aborted ?? h.abortReason;
  if (aborted !== null) {
    flush();
    post({ t: 'aborted', reason: aborted });
    return false;
  }
  return true;
}

/**
 * Anything but an error of the script itself (ScriptFailure, thrown inside QuickJS) means the instance failed: a
 * WebAssembly trap, an Emscripten abort, or the host thread's native stack overflowing inside the interpreter. The
 * instance cannot run again.
 */
function isWasmAbort(e: unknown): boolean {
  return !(e instanceof ScriptFailure);
}

function abortMessage(vu: number, e: unknown): string {
  const what = e instanceof Error ? e.message.split('\n')[0] : String(e);
  return (
    `VU ${vu}: the engine's QuickJS instance aborted (${what}), most likely a blocking call (http, sleep) made ` +
    `too deep in the script's call stack for the asyncify buffer; the iteration is interrupted and the VU re-created`
  );
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Closed model: the VU claims its iteration numbers from the scenario's counter, shared by every host thread. */
async function loop(h: HostedVu, run: ScenarioRun, spec: LoopSpec): Promise<void> {
  const counter = new Int32Array(spec.counter);
  const segment = new ExecutionSegment(spec.segment, spec.segmentSequence);
  let mine = 0;
  h.stopping = false;
  for (;;) {
    if (h.stopping || h.killed) break;
    const now = Date.now();
    if (now >= spec.endAt) break;
    const r = spec.ramping;
    if (r && r.index >= Math.floor(stageValue(r.startVUs, r.stages, now - r.start))) {
      await delay(Math.min(50, spec.endAt - now));
      continue;
    }
    if (spec.kind === 'per-vu-iterations' && mine >= spec.iterations) break;
    const n = Atomics.add(counter, 0, 1);
    if (spec.kind === 'shared-iterations' && n >= spec.iterations) break;
    mine++;
    if (!(await runIteration(h, run, [n, segment.globalIndex(n)]))) break;
  }
  if (!h.killed) {
    flush();
    post({ t: 'loopDone', vu: h.id });
  }
}

async function start(h: HostedVu, numbers: [number, number]): Promise<void> {
  const run = h.serving;
  if (run === null) return;
  const goOn = await runIteration(h, run, numbers);
  if (h.killed) return;
  if (!goOn || h.stopping) endServe(h);
}

function endServe(h: HostedVu): void {
  if (h.serving === null) return;
  h.serving = null;
  flush();
  post({ t: 'loopDone', vu: h.id });
}

async function lifecycle(h: HostedVu, name: string, arg: string): Promise<void> {
  let outcome: { result: string | null; error: string | null; aborted: string | null; samples: RawSample[] };
  try {
    const o = await h.vu!.lifecycle(name, arg);
    outcome = { ...o, error: o.error === null ? null : describe(o.error) };
  } catch (e) {
    outcome = { result: null, error: describe(e), aborted: null, samples: [] };
  }
  post({ t: 'lifecycleDone', vu: h.id, ...outcome, aborted: outcome.aborted ?? h.abortReason });
}

function kill(h: HostedVu): void {
  h.killed = true;
  // A suspended VU is simply dropped: its pending request settles into nothing. Its memory goes with the instance.
  if (!h.running) h.vu?.dispose();
  h.pool.destroy();
  vus.delete(h.id);
  post({ t: 'killed', vu: h.id });
}

port.on('message', (msg: MainToHost) => {
  if (msg.t === 'spawn') {
    void spawn(msg.vu, msg.idInTest, msg.cells);
    return;
  }
  if (msg.t === 'insecure') {
    setInsecureSkipTLSVerify(msg.value);
    return;
  }
  if (msg.t === 'starts') {
    const l = msg.list;
    for (let i = 0; i < l.length; i += 3) {
      const h = vus.get(l[i]!);
      if (h?.vu !== undefined) void start(h, [l[i + 1]!, l[i + 2]!]);
    }
    return;
  }
  const h = vus.get(msg.vu);
  if (h === undefined || h.vu === undefined) return;
  switch (msg.t) {
    case 'serve':
      h.stopping = false;
      h.serving = msg.run;
      break;
    case 'loop':
      void loop(h, msg.run, msg.loop);
      break;
    case 'stop':
      h.stopping = true;
      if (h.serving !== null && !h.running) endServe(h);
      break;
    case 'setData':
      h.vu.setSetupData(msg.data);
      break;
    case 'lifecycle':
      void lifecycle(h, msg.name, msg.arg);
      break;
    case 'kill':
      kill(h);
      break;
  }
});
