// Starting and talking to VU workers, and the I/O thread that performs their HTTP requests.
import { MessageChannel, Worker } from 'node:worker_threads';
import type { EngineCode, ScriptBundle } from './bundle.ts';
import {
  IO_REPLY_BYTES,
  IO_SIGNAL_BYTES,
  type IterationOrder,
  type MainToVu,
  type VuToMain,
  type VuWorkerData,
} from './protocol.ts';
import type { MetricDeclaration, RawSample } from './vu/host-api.ts';

export interface IterationOutcome {
  samples: RawSample[];
  error: string | null;
  aborted: string | null;
  durationMs: number;
  interrupted: boolean;
}

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

export class Vu {
  busy = false;
  dead = false;
  /** Iterations this VU ran per scenario (exec.vu.iterationInScenario). */
  readonly perScenario = new Map<string, number>();
  private pending: ((o: IterationOutcome) => void) | null = null;
  private pendingLifecycle: ((o: LifecycleOutcome) => void) | null = null;

  constructor(
    readonly id: number,
    readonly idInTest: number,
    private readonly worker: Worker,
    hooks: PoolHooks,
    readonly ready: Promise<ReadyInfo>,
  ) {
    worker.on('message', (msg: VuToMain) => {
      switch (msg.t) {
        case 'samples':
          hooks.onSamples(msg.samples);
          break;
        case 'log':
          hooks.onLog(this.id, msg.level, msg.text);
          break;
        case 'done': {
          const cb = this.pending;
          this.pending = null;
          this.busy = false;
          cb?.({
            samples: msg.samples,
            error: msg.error,
            aborted: msg.aborted,
            durationMs: msg.durationMs,
            interrupted: false,
          });
          break;
        }
        case 'lifecycleDone': {
          const cb = this.pendingLifecycle;
          this.pendingLifecycle = null;
          this.busy = false;
          cb?.(msg);
          break;
        }
        default:
          break;
      }
    });
    worker.on('exit', () => {
      this.dead = true;
      const cb = this.pending;
      this.pending = null;
      cb?.({ samples: [], error: null, aborted: null, durationMs: 0, interrupted: true });
      const lc = this.pendingLifecycle;
      this.pendingLifecycle = null;
      lc?.({ result: null, error: 'the VU was stopped before it finished', aborted: null, samples: [] });
    });
  }

  post(msg: MainToVu): void {
    this.worker.postMessage(msg);
  }

  iterate(order: IterationOrder): Promise<IterationOutcome> {
    this.busy = true;
    return new Promise((resolveOutcome) => {
      this.pending = resolveOutcome;
      this.worker.postMessage(order);
    });
  }

  lifecycle(msg: MainToVu): Promise<LifecycleOutcome> {
    this.busy = true;
    return new Promise((resolveOutcome) => {
      this.pendingLifecycle = resolveOutcome;
      this.worker.postMessage(msg);
    });
  }

  /** Hard stop (an iteration past gracefulStop, or an abort). */
  async kill(): Promise<void> {
    if (this.dead) return;
    this.dead = true;
    await this.worker.terminate();
  }
}

export class VuPool {
  readonly io: Worker;
  readonly stateBuffer = new SharedArrayBuffer(16);
  readonly state = new Int32Array(this.stateBuffer);
  readonly all: Vu[] = [];
  sharedArrays: Record<string, string> = {};

  constructor(
    private readonly settings: PoolSettings,
    private readonly hooks: PoolHooks,
  ) {
    this.io = new Worker(settings.code.ioThread, {
      eval: true,
      execArgv: [],
      workerData: { insecureSkipTLSVerify: settings.insecureSkipTLSVerify },
    });
    this.io.unref();
  }

  /** Starts a VU worker; `ready` settles when its init context has run. */
  spawn(id: number, idInTest: number): Vu {
    const channel = new MessageChannel();
    const signal = new SharedArrayBuffer(IO_SIGNAL_BYTES + IO_REPLY_BYTES);
    this.io.postMessage({ t: 'attach', port: channel.port2, signal }, [channel.port2]);
    const data: VuWorkerData = {
      vuId: id,
      idInTest,
      scriptCode: this.settings.bundle.code,
      scriptPath: this.settings.bundle.path,
      sourceMap: this.settings.bundle.sourceMap,
      runtimeCode: this.settings.code.runtime,
      env: this.settings.env,
      ioPort: channel.port1,
      ioSignal: signal,
      stateBuffer: this.stateBuffer,
      testStartTime: this.settings.testStartTime,
      sharedArrays: this.sharedArrays,
      globalTags: this.settings.globalTags,
      instanceId: this.settings.instanceId,
      consoleOutput: true,
    };
    const worker = new Worker(this.settings.code.vuThread, {
      eval: true,
      execArgv: [],
      workerData: data,
      transferList: [channel.port1],
      stdout: false,
      stderr: false,
    });
    let settle!: { ok: (r: ReadyInfo) => void; fail: (e: Error) => void };
    const ready = new Promise<ReadyInfo>((ok, fail) => (settle = { ok, fail }));
    ready.catch(() => undefined);
    worker.once('message', (msg: VuToMain) => {
      if (msg.t === 'ready') settle.ok(msg);
      else if (msg.t === 'initError') settle.fail(new Error(msg.message));
    });
    worker.once('error', (e: Error) => settle.fail(e));
    worker.once('exit', (code) => settle.fail(new Error(`VU ${id} exited during init (code ${code})`)));
    const vu = new Vu(id, idInTest, worker, this.hooks, ready);
    this.all.push(vu);
    Atomics.store(this.state, 1, this.all.filter((v) => !v.dead).length);
    return vu;
  }

  /** k6's insecureSkipTLSVerify option (known once the init context has run). */
  setInsecureSkipTLSVerify(value: boolean): void {
    this.io.postMessage({ t: 'insecure', value });
  }

  setActive(n: number): void {
    Atomics.store(this.state, 0, n);
  }

  countIteration(interrupted: boolean): void {
    Atomics.add(this.state, interrupted ? 3 : 2, 1);
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.all.map((v) => v.kill()));
    await this.io.terminate();
  }
}
