// Starting and talking to VU workers, and the I/O thread that performs their HTTP requests.
import { ExecutionCounters } from './execution-state.ts';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { EngineCode, ScriptBundle } from './bundle.ts';
import {
  CMD,
  CTL,
  CTL_BYTES,
  CTL_F64_OFFSET,
  BELL_BYTES,
  IO_CELL_BYTES,
  type LoopSpec,
  type MainToVu,
  type ScenarioRun,
  type VuToMain,
  type ScriptThreadData,
  type VuWorkerData,
} from './protocol.ts';
import type { MetricDeclaration, RawSample } from './vu/host-api.ts';

export interface LifecycleOutcome {
  result: string | null;
  error: string | null;
  aborted: string | null;
  samples: RawSample[];
}

export interface ReadyInfo {
  options: string;
  exports: string[];
  metrics: MetricDeclaration[];
  sharedArrays: Record<string, string>;
}

export interface PoolHooks {
  onSamples(samples: RawSample[]): void;
  onLog(vuId: number, level: string, text: string): void;
  onIterationError(error: string, scenario: string, executor: string): void;
  onAbort(reason: string): void;
  /** An iteration was cut short (gracefulStop, ramp-down, abort). */
  onInterrupted(): void;
}

export interface PoolSettings {
  bundle: ScriptBundle;
  code: EngineCode;
  env: Record<string, string>;
  testStartTime: number;
  globalTags: Record<string, string>;
  instanceId: number;
  insecureSkipTLSVerify: boolean;
}

/** The test's script and settings as every VU-running thread gets them (both designs). */
export function scriptThreadData(
  settings: PoolSettings,
  stateBuffer: SharedArrayBuffer,
  sharedArrays: Record<string, string>,
): ScriptThreadData {
  return {
    scriptCode: settings.bundle.code,
    scriptPath: settings.bundle.path,
    sourceMap: settings.bundle.sourceMap,
    runtimeCode: settings.code.runtime,
    htmlCode: settings.code.html,
    env: settings.env,
    stateBuffer,
    testStartTime: settings.testStartTime,
    sharedArrays,
    globalTags: settings.globalTags,
    instanceId: settings.instanceId,
  };
}

/** Extra Node flags for the worker threads, e.g. ENGINE_WORKER_ARGV="--cpu-prof --cpu-prof-dir=DIR" (profiling). */
export const extraArgv = (): string[] => (process.env['ENGINE_WORKER_ARGV'] ?? '').split(' ').filter((a) => a !== '');

/** What executors and the run see of a VU, in either design (a VU thread here, a QuickJS VU in qjs/host-pool.ts). */
export type EngineVu = Pick<
  Vu,
  | 'id'
  | 'idInTest'
  | 'dead'
  | 'ready'
  | 'busy'
  | 'started'
  | 'post'
  | 'serve'
  | 'loop'
  | 'tryStart'
  | 'stopLoop'
  | 'lifecycle'
  | 'kill'
>;

/** What the run sees of a pool of VUs, in either design. */
export type EnginePool = Pick<
  VuPool,
  | 'sharedArrays'
  | 'setInsecureSkipTLSVerify'
  | 'setActive'
  | 'countInterrupted'
  | 'completed'
  | 'interrupted'
  | 'shutdown'
> & {
  readonly all: EngineVu[];
  spawn(id: number, idInTest: number): EngineVu;
  /** The second design's worst host-thread event-loop delay (a thread-per-VU pool has no shared loop to measure). */
  eventLoopLag?(): { p99Ms: number; maxMs: number } | undefined;
};

/**
 * Main's side of the calls a VU answers later, the same in both designs: its init context (`ready`), its current loop
 * (serve/loop, until loopDone) and a lifecycle call (setup, teardown, handleSummary). A VU that stops settles them all.
 */
export class VuCalls {
  /** Settles when the init context has run: `ready` (or `initError`), whatever the VU logged before it. */
  readonly ready: Promise<ReadyInfo>;
  private settleReady: { ok: (r: ReadyInfo) => void; fail: (e: Error) => void } | null = null;
  private pendingLoop: (() => void) | null = null;
  private pendingLifecycle: ((o: LifecycleOutcome) => void) | null = null;

  constructor() {
    this.ready = new Promise<ReadyInfo>((ok, fail) => (this.settleReady = { ok, fail }));
    this.ready.catch(() => undefined);
  }

  initDone(r: ReadyInfo): void {
    this.settleReady?.ok(r);
    this.settleReady = null;
  }

  /** Rejects `ready` if the init context has not finished yet (no-op afterwards). */
  initFailed(e: Error): void {
    this.settleReady?.fail(e);
    this.settleReady = null;
  }

  /** Resolves when the VU reports the loop done (at once when it is dead). */
  loop(dead: boolean, send: () => void): Promise<void> {
    return new Promise((resolveLoop) => {
      if (dead) return resolveLoop();
      this.pendingLoop = resolveLoop;
      send();
    });
  }

  get looping(): boolean {
    return this.pendingLoop !== null;
  }

  loopDone(): void {
    const cb = this.pendingLoop;
    this.pendingLoop = null;
    cb?.();
  }

  /** True from the call until its outcome. */
  get lifecycleBusy(): boolean {
    return this.pendingLifecycle !== null;
  }

  lifecycle(send: () => void): Promise<LifecycleOutcome> {
    return new Promise((resolveOutcome) => {
      this.pendingLifecycle = resolveOutcome;
      send();
    });
  }

  lifecycleDone(o: LifecycleOutcome): void {
    const cb = this.pendingLifecycle;
    this.pendingLifecycle = null;
    cb?.(o);
  }

  /** The VU is gone: what waits on it ends (an unfinished lifecycle call with an error). */
  stopped(initError: Error): void {
    this.initFailed(initError);
    this.loopDone();
    this.lifecycleDone({ result: null, error: 'the VU was stopped before it finished', aborted: null, samples: [] });
  }
}

export class Vu {
  dead = false;
  private readonly calls = new VuCalls();
  private readonly ctl: Int32Array;
  private readonly numbers: Float64Array;
  readonly ready = this.calls.ready;

  constructor(
    readonly id: number,
    readonly idInTest: number,
    private readonly worker: Worker,
    control: SharedArrayBuffer,
    private readonly hooks: PoolHooks,
  ) {
    this.ctl = new Int32Array(control, 0, 4);
    this.numbers = new Float64Array(control, CTL_F64_OFFSET, 2);
    // One handler for every message, from the first on: the init context may log (or flush samples) before it is
    // ready, so the ready signal is the `ready` message, never "the first message".
    worker.on('message', (msg: VuToMain) => {
      switch (msg.t) {
        case 'ready': {
          const { options, exports, metrics, sharedArrays } = msg;
          this.calls.initDone({ options, exports, metrics, sharedArrays });
          break;
        }
        case 'initError':
          this.calls.initFailed(new Error(msg.message));
          break;
        case 'samples':
          hooks.onSamples(msg.samples);
          break;
        case 'log':
          hooks.onLog(this.id, msg.level, msg.text);
          break;
        case 'iterationError':
          hooks.onIterationError(msg.error, msg.scenario, msg.executor);
          break;
        case 'aborted':
          hooks.onAbort(msg.reason);
          break;
        case 'loopDone':
          this.calls.loopDone();
          break;
        case 'lifecycleDone':
          this.calls.lifecycleDone(msg);
          break;
        default:
          break;
      }
    });
    // An uncaught error ends the worker ('exit' follows); kept as a listener so it never becomes main's own error.
    worker.on('error', (e: Error) => this.calls.initFailed(e));
    worker.on('exit', (code) => {
      this.dead = true;
      this.calls.stopped(new Error(`VU ${id} exited during init (code ${code})`));
    });
  }

  /** Running an iteration (or setup/teardown/handleSummary) right now. */
  get busy(): boolean {
    return !this.dead && (this.calls.lifecycleBusy || Atomics.load(this.ctl, CTL.STATE) === 1);
  }

  /** Iterations this VU started in its current (or last) loop. */
  get started(): number {
    return Atomics.load(this.ctl, CTL.STARTED);
  }

  post(msg: MainToVu): void {
    this.worker.postMessage(msg);
  }

  private runLoop(msg: MainToVu): Promise<void> {
    Atomics.store(this.ctl, CTL.CMD, CMD.NONE);
    return this.calls.loop(this.dead, () => this.worker.postMessage(msg));
  }

  /** Arrival-rate: the VU waits for iterations started with tryStart(); resolves when the loop has ended. */
  serve(run: ScenarioRun): Promise<void> {
    return this.runLoop({ t: 'serve', ...run });
  }

  /** Closed model: the VU loops by itself as spec says; resolves when the loop has ended (or the VU died). */
  loop(run: ScenarioRun, spec: LoopSpec): Promise<void> {
    return this.runLoop({ t: 'loop', loop: spec, ...run });
  }

  /** Starts an iteration on a serving VU if it is free (one futex wake-up); false when it is busy. */
  tryStart(iterationInInstance: number, iterationInTest: number): boolean {
    if (this.dead || Atomics.compareExchange(this.ctl, CTL.STATE, 0, 1) !== 0) return false;
    this.numbers[0] = iterationInInstance;
    this.numbers[1] = iterationInTest;
    Atomics.or(this.ctl, CTL.CMD, CMD.RUN);
    Atomics.notify(this.ctl, CTL.CMD);
    return true;
  }

  /** Ends the loop after the running iteration (if any). */
  stopLoop(): void {
    Atomics.or(this.ctl, CTL.CMD, CMD.STOP);
    Atomics.notify(this.ctl, CTL.CMD);
  }

  lifecycle(msg: MainToVu): Promise<LifecycleOutcome> {
    return this.calls.lifecycle(() => this.worker.postMessage(msg));
  }

  /** Hard stop (an iteration past gracefulStop, or an abort). */
  async kill(): Promise<void> {
    if (this.dead) return;
    if (Atomics.load(this.ctl, CTL.STATE) === 1) this.hooks.onInterrupted();
    this.dead = true;
    await this.worker.terminate();
  }
}

export class VuPool extends ExecutionCounters {
  readonly io: Worker;
  private readonly doorbell = new SharedArrayBuffer(BELL_BYTES);
  readonly all: Vu[] = [];
  sharedArrays: Record<string, string> = {};

  constructor(
    private readonly settings: PoolSettings,
    private readonly hooks: PoolHooks,
  ) {
    super();
    this.io = new Worker(settings.code.ioThread, {
      eval: true,
      execArgv: extraArgv(),
      workerData: { insecureSkipTLSVerify: settings.insecureSkipTLSVerify, doorbell: this.doorbell },
    });
    this.io.unref();
  }

  /** Starts a VU worker; `ready` settles when its init context has run. */
  spawn(id: number, idInTest: number): Vu {
    const channel = new MessageChannel();
    const signal = new SharedArrayBuffer(IO_CELL_BYTES);
    const control = new SharedArrayBuffer(CTL_BYTES);
    this.io.postMessage({ t: 'attach', port: channel.port2, signal }, [channel.port2]);
    const data: VuWorkerData = {
      ...scriptThreadData(this.settings, this.stateBuffer, this.sharedArrays),
      vuId: id,
      idInTest,
      ioPort: channel.port1,
      ioSignal: signal,
      ioDoorbell: this.doorbell,
      control,
      consoleOutput: true,
    };
    const worker = new Worker(this.settings.code.vuThread, {
      eval: true,
      execArgv: extraArgv(),
      workerData: data,
      transferList: [channel.port1],
      stdout: false,
      stderr: false,
    });
    const vu = new Vu(id, idInTest, worker, control, this.hooks);
    this.all.push(vu);
    this.setInitialized(this.all.filter((v) => !v.dead).length);
    return vu;
  }

  /** k6's insecureSkipTLSVerify option (known once the init context has run). */
  setInsecureSkipTLSVerify(value: boolean): void {
    this.io.postMessage({ t: 'insecure', value });
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.all.map((v) => v.kill()));
    await this.io.terminate();
  }
}
