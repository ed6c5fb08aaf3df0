// Main's side of the second engine design: T host threads (host-thread.ts), VUs placed round-robin on them, each VU
// seen by the executors through the same interface as a thread-per-VU VU (vu-pool.ts), so executors, thresholds,
// summary and outputs are shared by both designs.
import { invalidConfig } from '../errors.ts';
import { ExecutionCounters } from '../execution-state.ts';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LoopSpec, MainToVu, ScenarioRun } from '../protocol.ts';
import {
  extraArgv,
  scriptThreadData,
  type LifecycleOutcome,
  type PoolHooks,
  type PoolSettings,
  VuCalls,
} from '../vu-pool.ts';
import { VU_CELL, VU_CELLS, type HostThreadData, type HostToMain, type MainToHost } from './host-protocol.ts';

/** K6_ENGINE_DESIGN: 'threads' (default) or 'qjs'; anything else is a one-line error, not a silent default. */
export function engineDesign(env: NodeJS.ProcessEnv): 'threads' | 'qjs' {
  const v = env['K6_ENGINE_DESIGN'];
  if (v === undefined || v === '' || v === 'threads') return 'threads';
  if (v === 'qjs') return 'qjs';
  throw invalidConfig(`K6_ENGINE_DESIGN="${v}" is not an engine design: use threads (the default) or qjs`);
}

/** Host threads: one per core, or ENGINE_HOST_THREADS (e.g. cores - 1 when the target shares the machine). */
export function hostThreadCount(env: NodeJS.ProcessEnv = process.env): number {
  const v = env['ENGINE_HOST_THREADS'];
  if (v === undefined || v === '') return Math.max(1, availableParallelism());
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw invalidConfig(`ENGINE_HOST_THREADS="${v}" is not a thread count: use a whole number from 1 to 256`);
  }
  return n;
}

export interface EventLoopLag {
  p99Ms: number;
  maxMs: number;
}

let compiled: WebAssembly.Module | undefined;

/** The asyncify QuickJS .wasm, compiled once per process and handed to every host thread (a structured clone). */
function quickJsWasm(): WebAssembly.Module {
  const require = createRequire(import.meta.url);
  // The WebAssembly global is not in this project's TypeScript lib (no DOM), only its types.
  const wasmApi = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => WebAssembly.Module } })
    .WebAssembly;
  compiled ??= new wasmApi.Module(readFileSync(require.resolve('@jitl/quickjs-wasmfile-release-asyncify/wasm')));
  return compiled;
}

export class HostedVu {
  dead = false;
  /** Shared with the host thread (VU_CELL): iterations started in the current loop, and whether one is running. */
  readonly cells = new Int32Array(new SharedArrayBuffer(VU_CELLS * 4));
  /** Arrival-rate starts main sent in the current loop; the host counts those it began in VU_CELL.STARTED. */
  private sent = 0;
  private readonly calls = new VuCalls();
  readonly ready = this.calls.ready;

  constructor(
    readonly id: number,
    readonly idInTest: number,
    private readonly host: HostThread,
    private readonly hooks: PoolHooks,
  ) {}

  /** A message of the host thread about this VU. */
  receive(msg: HostToMain): void {
    switch (msg.t) {
      case 'ready':
        this.calls.initDone({
          options: msg.options,
          exports: msg.exports,
          metrics: msg.metrics,
          sharedArrays: msg.sharedArrays,
        });
        break;
      case 'initError':
        this.calls.initFailed(new Error(msg.message));
        break;
      case 'loopDone':
        this.calls.loopDone();
        break;
      case 'lifecycleDone':
        this.calls.lifecycleDone(msg);
        break;
      case 'log':
        this.hooks.onLog(this.id, msg.level, msg.text);
        break;
      default:
        break;
    }
  }

  /** Iterations started in the current (or last) loop. */
  get started(): number {
    return Atomics.load(this.cells, VU_CELL.STARTED);
  }

  /**
   * Read from shared memory, so an arrival-rate VU is free again the moment its iteration ends, without a message.
   * STARTED is read before RUNNING: the host sets RUNNING before it counts a start, so once every start sent is
   * counted, a RUNNING of 0 means that iteration has ended.
   */
  private get running(): boolean {
    return this.sent > Atomics.load(this.cells, VU_CELL.STARTED) || Atomics.load(this.cells, VU_CELL.RUNNING) === 1;
  }

  get busy(): boolean {
    return !this.dead && (this.calls.lifecycleBusy || this.running);
  }

  private send(msg: MainToHost): void {
    this.host.post(msg);
  }

  post(msg: MainToVu): void {
    if (msg.t === 'setData') this.send({ t: 'setData', vu: this.id, data: msg.data });
  }

  private runLoop(send: () => void): Promise<void> {
    Atomics.store(this.cells, VU_CELL.STARTED, 0);
    this.sent = 0;
    return this.calls.loop(this.dead, send);
  }

  serve(run: ScenarioRun): Promise<void> {
    return this.runLoop(() => this.send({ t: 'serve', vu: this.id, run }));
  }

  loop(run: ScenarioRun, spec: LoopSpec): Promise<void> {
    return this.runLoop(() => this.send({ t: 'loop', vu: this.id, run, loop: spec }));
  }

  /** Starts an arrival-rate iteration if this VU is free (see `running`). */
  tryStart(iterationInInstance: number, iterationInTest: number): boolean {
    if (this.dead || this.running || !this.calls.looping) return false;
    this.sent++;
    this.host.start(this.id, iterationInInstance, iterationInTest);
    return true;
  }

  stopLoop(): void {
    this.send({ t: 'stop', vu: this.id });
  }

  lifecycle(msg: MainToVu): Promise<LifecycleOutcome> {
    const name = msg.t === 'summary' ? 'handleSummary' : msg.t;
    const arg = msg.t === 'teardown' || msg.t === 'summary' ? msg.data : '';
    return this.calls.lifecycle(() => this.send({ t: 'lifecycle', vu: this.id, name, arg }));
  }

  async kill(): Promise<void> {
    if (this.dead) return;
    if (this.running) this.hooks.onInterrupted();
    this.dead = true;
    this.send({ t: 'kill', vu: this.id });
    this.calls.stopped(new Error(`VU ${this.id} was stopped during init`));
  }
}

class HostThread {
  readonly vus = new Map<number, HostedVu>();
  lag: EventLoopLag | undefined;
  private starts: number[] = [];
  constructor(readonly worker: Worker) {}

  /** Any message goes after the starts queued before it. */
  post(msg: MainToHost): void {
    this.flushStarts();
    this.worker.postMessage(msg);
  }

  /** Arrival-rate starts leave together at the end of the scheduler's tick: one message per thread, not per start. */
  start(vu: number, iterationInInstance: number, iterationInTest: number): void {
    if (this.starts.length === 0) queueMicrotask(() => this.flushStarts());
    this.starts.push(vu, iterationInInstance, iterationInTest);
  }

  private flushStarts(): void {
    if (this.starts.length === 0) return;
    this.worker.postMessage({ t: 'starts', list: this.starts } satisfies MainToHost);
    this.starts = [];
  }
}

export class HostPool extends ExecutionCounters {
  readonly all: HostedVu[] = [];
  sharedArrays: Record<string, string> = {};
  private readonly threads: HostThread[] = [];
  private next = 0;

  constructor(
    private readonly settings: PoolSettings,
    private readonly hooks: PoolHooks,
    private readonly threadCount = hostThreadCount(),
  ) {
    super();
  }

  private startThread(): HostThread {
    const data: HostThreadData = {
      ...scriptThreadData(this.settings, this.stateBuffer, this.sharedArrays),
      insecureSkipTLSVerify: this.settings.insecureSkipTLSVerify,
      wasm: quickJsWasm(),
    };
    const worker = new Worker(this.settings.code.hostThread, {
      eval: true,
      workerData: data,
      stdout: false,
      stderr: false,
      execArgv: extraArgv(),
      // Asyncify frames are large: a deep script call chain needs more native stack than the default.
      resourceLimits: { stackSizeMb: 64 },
    });
    const thread = new HostThread(worker);
    worker.on('message', (msg: HostToMain) => {
      switch (msg.t) {
        case 'samples':
          this.hooks.onSamples(msg.samples);
          return;
        case 'iterationError':
          this.hooks.onIterationError(msg.error, msg.scenario, msg.executor);
          return;
        case 'aborted':
          this.hooks.onAbort(msg.reason);
          return;
        case 'lag':
          thread.lag = { p99Ms: msg.p99Ms, maxMs: msg.maxMs };
          return;
        default:
          thread.vus.get(msg.vu)?.receive(msg);
      }
    });
    const fail = (why: string) => {
      for (const vu of thread.vus.values()) {
        void vu.kill();
        vu.receive({ t: 'initError', vu: vu.id, message: why });
      }
    };
    worker.on('error', (e: Error) => fail(`host thread failed: ${e.message}`));
    worker.on('exit', (code) => fail(`host thread exited (code ${code})`));
    this.threads.push(thread);
    return thread;
  }

  /** A VU on the next host thread (started on first use); `ready` settles when its init context has run. */
  spawn(id: number, idInTest: number): HostedVu {
    // VU 0 (setup, teardown, handleSummary, options) gets a thread of its own start, the others round-robin.
    const index = this.next++ % this.threadCount;
    const thread = this.threads[index] ?? this.startThread();
    const vu = new HostedVu(id, idInTest, thread, this.hooks);
    thread.vus.set(id, vu);
    thread.post({ t: 'spawn', vu: id, idInTest, cells: vu.cells.buffer as SharedArrayBuffer });
    this.all.push(vu);
    this.setInitialized(this.all.filter((v) => !v.dead).length);
    return vu;
  }

  setInsecureSkipTLSVerify(value: boolean): void {
    for (const t of this.threads) t.post({ t: 'insecure', value });
  }

  /** The worst host thread's event-loop delay so far (undefined before the first report). */
  eventLoopLag(): EventLoopLag | undefined {
    const reports = this.threads.flatMap((t) => (t.lag === undefined ? [] : [t.lag]));
    if (reports.length === 0) return undefined;
    return { p99Ms: Math.max(...reports.map((r) => r.p99Ms)), maxMs: Math.max(...reports.map((r) => r.maxMs)) };
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.all.map((v) => v.kill()));
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
