// One VU = one worker thread. The script runs in a vm context (no Node globals); this thread serves its host calls.
// HTTP goes to the I/O thread over a MessagePort while this thread blocks on Atomics.wait, so the k6 API stays
// synchronous for the script, as in k6.
import vm from 'node:vm';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import {
  BELL,
  IO,
  IO_REPLY_BYTES,
  IO_REQUEST_BYTES,
  IO_SIGNAL_BYTES,
  type IterationOrder,
  type MainToVu,
  type VuToMain,
  type VuWorkerData,
} from '../protocol.ts';
import { mapStack } from '../stack.ts';
import type { HostApi, MetricDeclaration, RawSample } from './host-api.ts';
import { createLoops, type IterationResult } from './iteration-loop.ts';
import { nodeHostCalls } from './node-host.ts';

const wd = workerData as VuWorkerData;
const port = parentPort!;
const ioSignal = new Int32Array(wd.ioSignal, 0, 4);
const ioReply = Buffer.from(wd.ioSignal, IO_SIGNAL_BYTES, IO_REPLY_BYTES);
const ioRequest = Buffer.from(wd.ioSignal, IO_SIGNAL_BYTES + IO_REPLY_BYTES, IO_REQUEST_BYTES);
const doorbell = new Int32Array(wd.ioDoorbell);
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
// Live execution state written by main: [vusActive, vusInitialized, iterationsCompleted, iterationsInterrupted].
const state = new Int32Array(wd.stateBuffer);

let initPhase = true;
const declared: MetricDeclaration[] = [];
const sharedArrays: Record<string, string> = { ...wd.sharedArrays };
let abortReason: string | null = null;

function post(msg: VuToMain): void {
  port.postMessage(msg);
}

/** Announces this VU's request to the I/O thread; a futex wake-up only when that thread is asleep. */
function ringDoorbell(): void {
  Atomics.add(doorbell, BELL.RINGS, 1);
  if (Atomics.load(doorbell, BELL.ASLEEP) === 1) Atomics.notify(doorbell, BELL.RINGS);
}

const host: HostApi = {
  request(specJson) {
    Atomics.store(ioSignal, IO.REPLY, 0);
    if (specJson.length * 3 <= IO_REQUEST_BYTES) {
      Atomics.store(ioSignal, IO.REQUEST_LEN, ioRequest.write(specJson, 0, 'utf8'));
      Atomics.store(ioSignal, IO.REQUEST, 1);
      ringDoorbell();
    } else {
      wd.ioPort.postMessage(specJson);
    }
    for (;;) {
      if (Atomics.wait(ioSignal, IO.REPLY, 0, 1000) === 'timed-out' && Atomics.load(ioSignal, IO.REQUEST) === 1) {
        ringDoorbell(); // not taken for a second: ring again rather than trust one wake-up
      }
      if (Atomics.load(ioSignal, IO.REPLY) !== 1) continue;
      const length = Atomics.load(ioSignal, IO.REPLY_LEN);
      if (length >= 0) return ioReply.toString('utf8', 0, length);
      const m = receiveMessageOnPort(wd.ioPort);
      if (m) return m.message as string;
    }
  },
  sleep(ms) {
    Atomics.wait(sleepCell, 0, 0, ms);
  },
  flush(samples) {
    post({ t: 'samples', samples: samples.slice() });
  },
  abort(reason) {
    abortReason = reason;
  },
  log(level, text) {
    post({ t: 'log', level, text });
  },
  isInitPhase() {
    return initPhase;
  },
  htmlModuleSource() {
    return wd.htmlCode;
  },
  ...nodeHostCalls({ scriptPath: wd.scriptPath, testStartTime: wd.testStartTime, state, sharedArrays, declared }),
};

type Runtime = {
  require(name: string): unknown;
  setExports(e: unknown): void;
  exportNames(): string[];
  optionsJson(): string;
  setSetupData(json: string): void;
  iterate(order: IterationOrder, done: (o: IterationResult) => void): void;
  warmUp(rounds: number): void;
  pump(): boolean;
  awaitInit(result: unknown, done: (error: string | null) => void): void;
  lifecycle(
    name: string,
    argJson: string,
    done: (o: { result: string | null; error: string | null; aborted: string | null; samples: RawSample[] }) => void,
  ): void;
};

const hasStack = (e: unknown): boolean => e instanceof Error || (e !== null && typeof e === 'object' && 'stack' in e);

function describe(e: unknown): string {
  return mapStack(hasStack(e) ? String((e as Error).stack) : String(e), wd.sourceMap, wd.scriptPath);
}

/**
 * Drives the sandbox's event loop (timers, async requests) while a call waits: each turn runs after this thread's
 * microtasks have drained (setImmediate), which the sandbox cannot do by itself. Stops when `waiting` turns false.
 */
function pumpWhile(waiting: () => boolean): void {
  const turn = (): void => {
    if (waiting() && runtime.pump() && waiting()) setImmediate(turn);
  };
  if (waiting()) setImmediate(turn);
}

/** Enough calls for V8 to compile the engine's hot path before the test clock starts (see runtime.warmUp). */
const WARM_UP_ROUNDS = 100;

let runtime: Runtime;
try {
  const context = vm.createContext({}, { name: `VU ${wd.vuId}`, codeGeneration: { strings: true, wasm: false } });
  vm.runInContext(wd.runtimeCode, context, { filename: 'k6-runtime.js' });
  const g = vm.runInContext('globalThis', context) as Record<string, unknown>;
  const factory = g['__k6RuntimeFactory'] as (h: HostApi, id: unknown) => Runtime;
  delete g['__k6RuntimeFactory'];
  runtime = factory(host, {
    vuId: wd.vuId,
    idInTest: wd.idInTest,
    env: wd.env,
    globalTags: wd.globalTags,
    instanceId: wd.instanceId,
  });
  const wrapper = vm.runInContext(`(function (exports, require, module) {${wd.scriptCode}\n})`, context, {
    filename: 'k6-script-bundle.js',
  }) as (e: unknown, r: unknown, m: unknown) => void;
  const mod = vm.runInContext('({ exports: {} })', context) as { exports: unknown };
  const requireFn = vm.runInContext(
    '(function (rt) { return function require(name) { return rt(name); }; })',
    context,
  )((name: string) => runtime.require(name));
  let initDone = false;
  runtime.awaitInit(wrapper(mod.exports, requireFn, mod), (error) => {
    initDone = true;
    if (error !== null) return post({ t: 'initError', message: describe(error) });
    runtime.setExports(mod.exports);
    initPhase = false;
    if (wd.vuId > 0) runtime.warmUp(WARM_UP_ROUNDS);
    post({
      t: 'ready',
      options: runtime.optionsJson(),
      exports: runtime.exportNames(),
      metrics: declared,
      sharedArrays,
    });
  });
  pumpWhile(() => !initDone);
} catch (e) {
  // V8 gives a thrown non-Error value (`throw 'boom'`) no stack, so there is no file and line to map: say so.
  const hint = hasStack(e)
    ? ''
    : ` (a thrown ${typeof e} has no stack trace: throw new Error(...) to see the file and line)`;
  post({ t: 'initError', message: `${describe(e)}${hint}` });
}

const loops = createLoops(wd.control, state, {
  iterate(order, done) {
    let finished = false;
    runtime.iterate(order, (o) => {
      finished = true;
      if (abortReason !== null && o.aborted === null) o.aborted = abortReason;
      done({ samples: o.samples, error: o.error === null ? null : describe(o.error), aborted: o.aborted });
    });
    pumpWhile(() => !finished);
  },
  samples: (samples) => post({ t: 'samples', samples }),
  iterationError: (error, run) => post({ t: 'iterationError', error, scenario: run.scenario, executor: run.executor }),
  aborted: (reason) => post({ t: 'aborted', reason }),
  loopDone: () => post({ t: 'loopDone' }),
});

port.on('message', (msg: MainToVu) => {
  switch (msg.t) {
    case 'serve':
      loops.serve(msg);
      break;
    case 'loop':
      loops.loop(msg, msg.loop);
      break;
    case 'setData':
      runtime.setSetupData(msg.data);
      break;
    case 'setup':
    case 'teardown':
    case 'summary': {
      const name = msg.t === 'summary' ? 'handleSummary' : msg.t;
      const arg = msg.t === 'setup' ? '' : msg.data;
      let finished = false;
      runtime.lifecycle(name, arg, (o) => {
        finished = true;
        if (abortReason !== null && o.aborted === null) o.aborted = abortReason;
        post({
          t: 'lifecycleDone',
          result: o.result,
          error: o.error === null ? null : describe(o.error),
          aborted: o.aborted,
          samples: o.samples,
        });
      });
      pumpWhile(() => !finished);
      break;
    }
  }
});
