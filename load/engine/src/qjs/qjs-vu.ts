// One VU of the second engine design: a QuickJS runtime in its own instance of the asyncify WebAssembly module (an
// asyncify module can hold one suspended call at a time, so one instance per VU). The k6 API is the same sandbox
// runtime the thread-per-VU design evaluates in a vm context (vu/runtime.ts), here evaluated inside QuickJS; it reaches
// its host only through the HostApi primitives installed below. The two blocking ones (request, sleep) are
// asyncified: QuickJS calls them synchronously, the WebAssembly stack is unwound while Node awaits the promise, and
// the iteration resumes when it settles, so many VUs share one event loop without a thread each.
import type { QuickJSAsyncContext, QuickJSAsyncWASMModule, QuickJSHandle } from 'quickjs-emscripten-core';
import { newQuickJSAsyncWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core';
import asyncifyVariant from '@jitl/quickjs-wasmfile-release-asyncify';
import type { IterationOrder } from '../protocol.ts';
import type { HostApi, RawSample } from '../vu/host-api.ts';
import { randomBytes } from 'node:crypto';
import { Bridge, ScriptFailure } from './bridge.ts';
import { LeanCalls, leanSuspensions, type LeanFunction } from './lean-calls.ts';
import { RuntimeImage, writtenPages, type VuMemory } from './runtime-image.ts';

/** The host side of a VU: HostApi with its two blocking calls as promises (awaited while the VU is suspended). */
export interface AsyncHost extends Omit<HostApi, 'request' | 'sleep'> {
  request(specJson: string): Promise<string>;
  sleep(ms: number): Promise<void>;
}

export interface IterationOutcome {
  samples: RawSample[];
  error: string | null;
  aborted: string | null;
}

export interface LifecycleOutcome extends IterationOutcome {
  result: string | null;
}

export interface VuIdentity {
  vuId: number;
  idInTest: number;
  env: Record<string, string>;
  globalTags: Record<string, string>;
  instanceId: number;
}

let wasm: WebAssembly.Module | undefined;

/** This thread's runtime images (runtime-image.ts), by the host calls installed, with the runtime code they hold. */
const runtimeImages = new Map<string, { code: string; image: RuntimeImage }>();

/** The compiled module this thread's VUs instantiate (each a fresh memory): set once from the thread's data. */
export function useWasmModule(module: WebAssembly.Module): void {
  wasm = module;
}

async function newModule(): Promise<QuickJSAsyncWASMModule> {
  if (wasm === undefined) throw new Error('the QuickJS WebAssembly module was not handed to this thread');
  const variant = newVariant(asyncifyVariant as never, { wasmModule: wasm });
  const module = await newQuickJSAsyncWASMModuleFromVariant(variant as never);
  leanSuspensions(module);
  return module;
}

/** Each HostApi member's types across the boundary (lean-calls.ts), installed as `__host.<name>`. */
const hostSignatures: Record<string, Pick<LeanFunction, 'args' | 'returns'>> = {
  open: { args: ['s', 'b'], returns: 's' },
  declareMetric: { args: ['s', 's', 'b'], returns: 's' },
  abort: { args: ['s'], returns: 'v' },
  log: { args: ['s', 's'], returns: 'v' },
  sharedArrayGet: { args: ['s'], returns: 's' },
  sharedArrayPut: { args: ['s', 's'], returns: 'v' },
  digest: { args: ['s', 's', 's', 's'], returns: 's' },
  randomBytesB64: { args: ['n'], returns: 's' },
  utf8ToB64: { args: ['s'], returns: 's' },
  b64ToUtf8: { args: ['s'], returns: 's' },
  executionState: { args: [], returns: 's' },
  isInitPhase: { args: [], returns: 'b' },
  now: { args: [], returns: 'n' },
  htmlModuleSource: { args: [], returns: 's' },
  // The two blocking calls: their functions return promises, and the VU is suspended while they are pending.
  request: { args: ['s'], returns: 's' },
  sleep: { args: ['n'], returns: 'v' },
};

export class QjsVu {
  private iterationDone: ((o: IterationOutcome) => void) | null = null;
  private lifecycleDone: ((o: LifecycleOutcome) => void) | null = null;
  /** Samples the VU handed over since its last settle or flush. */
  private staged: RawSample[] = [];
  /** The scenario part of the last iteration order, as the bridge holds it. */
  private runJson = '';
  /** Set by create() once the runtime is in place; the host's only way into the VU from then on. */
  private bridge!: Bridge;

  private constructor(private readonly ctx: QuickJSAsyncContext) {}

  /**
   * A VU with the runtime and the script evaluated (the init context). Throws the script's error (mapped by the
   * caller) when the init context fails.
   */
  static async create(host: AsyncHost, id: VuIdentity, runtimeCode: string, scriptCode: string): Promise<QjsVu> {
    const module = await newModule();
    const runtime = module.newRuntime();
    runtime.setMaxStackSize(0);
    const ctx = runtime.newContext();
    const vu = new QjsVu(ctx);
    const installed = vu.installHost(host);
    const memory = (module as unknown as { module: VuMemory }).module;
    const key = installed.join(',');
    const kept = runtimeImages.get(key);
    if (kept !== undefined && kept.code === runtimeCode) {
      kept.image.restore(memory);
    } else {
      const before = writtenPages(memory.HEAPU8);
      vu.evalSync(runtimeCode, 'k6-runtime.js');
      runtimeImages.set(key, { code: runtimeCode, image: RuntimeImage.capture(before, memory) });
    }
    // The bridge leaves the global object before any script code runs: the host keeps the only reference to it.
    const bridge = ctx.getProp(ctx.global, '__bridge');
    vu.evalSync('delete globalThis.__bridge', 'bridge.js');
    vu.bridge = new Bridge(ctx, bridge);
    const seed = new Int32Array(randomBytes(16).buffer);
    vu.bridge.callSync('reseed', [...seed]);
    vu.bridge.callSync('start', [JSON.stringify(id)]);
    // The script is compiled into a function here and run by the bridge, which hands it `require`. Its init context
    // may block (k6 allows http calls there), and top-level await makes it return a promise that init waits for.
    const scriptFunction = vu.evalValue(
      `(function (exports, require, module) {${scriptCode}\n})`,
      'k6-script-bundle.js',
    );
    await vu.bridge.callAsync('init', [scriptFunction]);
    scriptFunction.dispose();
    await vu.pumpWhile(() => vu.bridge.callSync('initOutcome', []) === null);
    const error = vu.bridge.callSync('initOutcome', []) as string;
    if (error !== '') throw new ScriptFailure(error);
    return vu;
  }

  /** Installs the host calls and the glue around them; returns the names installed (the runtime image's key). */
  private installHost(host: AsyncHost): string[] {
    const ctx = this.ctx;
    const installed: string[] = [];
    const lean = new LeanCalls(ctx);
    const hostObject = ctx.newObject();
    for (const [name, signature] of Object.entries(hostSignatures)) {
      const fn = (host as unknown as Record<string, ((...args: never[]) => unknown) | undefined>)[name];
      if (fn === undefined) continue; // an optional call this host does not offer (the runtime checks for it)
      lean.install(hostObject, name, { ...signature, fn: fn.bind(host) });
      installed.push(name);
    }
    // Samples cross one call each, their tags once per distinct tags object (an http request's nine samples share
    // one): QuickJS's JSON.stringify of an iteration's samples cost more than the rest of a request.
    let tagTable: Record<string, string>[] = [];
    lean.install(hostObject, 'beginSamples', { args: [], returns: 'v', fn: () => (tagTable = []) });
    lean.install(hostObject, 'tags', {
      args: ['s'],
      returns: 'v',
      fn: (json: string) => tagTable.push(JSON.parse(json) as Record<string, string>),
    });
    lean.install(hostObject, 'sample', {
      args: ['s', 'n', 'n', 'n'],
      returns: 'v',
      fn: (metric: string, value: number, tags: number, time: number) =>
        this.staged.push([metric, value, tagTable[tags]!, time]),
    });
    lean.install(hostObject, 'flushStaged', { args: [], returns: 'v', fn: () => host.flush(this.takeStaged()) });
    lean.install(hostObject, 'settleIteration', {
      args: ['s', 'b', 's', 'b'],
      returns: 'v',
      fn: (error: string, failed: boolean, aborted: string, wasAborted: boolean) => {
        const done = this.iterationDone;
        this.iterationDone = null;
        done?.({ samples: this.takeStaged(), error: failed ? error : null, aborted: wasAborted ? aborted : null });
      },
    });
    lean.install(hostObject, 'settleLifecycle', {
      args: ['s'],
      returns: 'v',
      fn: (json: string) => {
        const o = JSON.parse(json) as Omit<LifecycleOutcome, 'samples'>;
        const done = this.lifecycleDone;
        this.lifecycleDone = null;
        done?.({ ...o, samples: this.takeStaged() });
      },
    });
    ctx.setProp(ctx.global, '__hostRaw', hostObject);
    hostObject.dispose();
    // The runtime sees the HostApi (host.flush takes an array); the raw calls stay in this closure.
    this.evalSync(
      `(() => {
        const raw = __hostRaw;
        delete globalThis.__hostRaw;
        const emit = (samples) => {
          raw.beginSamples();
          const ids = new Map();
          for (let i = 0; i < samples.length; i++) {
            const s = samples[i];
            let id = ids.get(s[2]);
            if (id === undefined) {
              id = ids.size;
              ids.set(s[2], id);
              raw.tags(JSON.stringify(s[2]));
            }
            raw.sample(s[0], s[1], id, s[3]);
          }
        };
        const describe = (e) => (e !== null && typeof e === 'object' && 'message' in e) ? String(e.name || 'Error') + ': ' + String(e.message) + (e.stack ? '\\n' + e.stack : '') : String(e);
        const host = Object.assign({}, raw, { flush: (s) => { emit(s); raw.flushStaged(); } });
        const settleIteration = (o) => {
          emit(o.samples);
          raw.settleIteration(o.error === null ? '' : describe(o.error), o.error !== null, o.aborted === null ? '' : String(o.aborted), o.aborted !== null);
        };
        // Math.random with a state of its own per VU, seeded from the host's CSPRNG (xoshiro128**): QuickJS seeds
        // its own from the clock, which VUs created together share and a runtime image would copy.
        let s0 = 1, s1 = 2, s2 = 3, s3 = 4;
        const rotl = (x, k) => (x << k) | (x >>> (32 - k));
        const next = () => {
          const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
          const t = s1 << 9;
          s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
          return r >>> 0;
        };
        Object.defineProperty(Math, 'random', {
          value: function random() { return ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992; },
          writable: true, configurable: true, enumerable: false,
        });
        // What the host calls; it holds the only reference (the global goes before the script runs).
        let rt = null;
        let run = null;
        let initOutcome = null;
        globalThis.__bridge = {
          reseed(a, b, c, d) {
            s0 = a | 0; s1 = b | 0; s2 = c | 0; s3 = d | 0;
            if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
          },
          start(idJson) {
            rt = globalThis.__k6RuntimeFactory(host, JSON.parse(idJson));
            delete globalThis.__k6RuntimeFactory;
          },
          init(scriptFunction) {
            const module = { exports: {} };
            const r = scriptFunction(module.exports, (name) => rt.require(name), module);
            rt.awaitInit(r, (e) => {
              if (e === null) rt.setExports(module.exports);
              initOutcome = e === null ? '' : e;
            });
          },
          // null while the init context runs, then '' or its error.
          initOutcome: () => initOutcome,
          // The scenario part of the order crosses only when it changed ('' otherwise).
          iterate(runJson, inScenario, inInstance, inTest) {
            if (runJson !== '') run = JSON.parse(runJson);
            run.iterationInScenario = inScenario;
            run.iterationInInstance = inInstance;
            run.iterationInTest = inTest;
            rt.iterate(run, settleIteration);
          },
          lifecycle: (name, arg) => rt.lifecycle(name, arg, (o) => {
            emit(o.samples);
            raw.settleLifecycle(JSON.stringify({ result: o.result, error: o.error === null ? null : describe(o.error), aborted: o.aborted }));
          }),
          pump: () => rt.pump(),
          warmUp: (rounds) => rt.warmUp(rounds),
          optionsJson: () => rt.optionsJson(),
          exportNames: () => JSON.stringify(rt.exportNames()),
          setSetupData: (json) => rt.setSetupData(json),
        };
      })();`,
      'host.js',
    );
    return installed;
  }

  private takeStaged(): RawSample[] {
    const s = this.staged;
    this.staged = [];
    return s;
  }

  /** Evaluates code; its value is the caller's to dispose. The code's exception is thrown as a ScriptFailure. */
  private evalValue(code: string, filename: string): QuickJSHandle {
    const r = this.ctx.evalCode(code, filename);
    if (r.error) {
      const e = this.ctx.dump(r.error) as unknown;
      r.error.dispose();
      throw new ScriptFailure(e);
    }
    return r.value;
  }

  private evalSync(code: string, filename: string): void {
    this.evalValue(code, filename).dispose();
  }

  /**
   * Drives the runtime's event loop (timers, async requests; vu/event-loop.ts) while a call waits: each turn runs
   * once the VU's promise jobs are drained, which the sandbox cannot do by itself.
   */
  private async pumpWhile(waiting: () => boolean): Promise<void> {
    while (waiting()) {
      if ((await this.bridge.callAsync('pump', [])) !== true) return;
    }
  }

  /** Warm-up requests through the whole request path (runtime.warmUp): they reach no network, and no sample. */
  async warmUp(rounds: number): Promise<void> {
    await this.bridge.callAsync('warmUp', [rounds]);
  }

  optionsJson(): string {
    return this.bridge.callSync('optionsJson', []) as string;
  }

  exportNames(): string[] {
    return JSON.parse(this.bridge.callSync('exportNames', []) as string) as string[];
  }

  setSetupData(json: string): void {
    this.bridge.callSync('setSetupData', [json]);
  }

  /**
   * One iteration; resolves when the runtime reports it done (async exec functions included). The scenario part of
   * the order crosses (and is parsed by QuickJS) only when it changed; each iteration sends its three numbers.
   */
  async iterate(order: IterationOrder): Promise<IterationOutcome> {
    const done = new Promise<IterationOutcome>((resolve) => (this.iterationDone = resolve));
    const { iterationInScenario, iterationInInstance, iterationInTest, ...run } = order;
    const runJson = JSON.stringify(run);
    const changed = runJson !== this.runJson;
    this.runJson = runJson;
    await this.bridge.callAsync('iterate', [
      changed ? runJson : '',
      iterationInScenario,
      iterationInInstance,
      iterationInTest,
    ]);
    await this.pumpWhile(() => this.iterationDone !== null);
    return done;
  }

  async lifecycle(name: string, argJson: string): Promise<LifecycleOutcome> {
    const done = new Promise<LifecycleOutcome>((resolve) => (this.lifecycleDone = resolve));
    await this.bridge.callAsync('lifecycle', [name, argJson]);
    await this.pumpWhile(() => this.lifecycleDone !== null);
    return done;
  }

  /**
   * Nothing to free one by one: the VU owns its WebAssembly instance and memory, which go with the last reference to
   * it. (Freeing the QuickJS runtime inside it would abort: JS_FreeRuntime asserts that no object is left, and the
   * runtime's closures over host functions always are.)
   */
  dispose(): void {
    this.iterationDone = null;
    this.lifecycleDone = null;
    this.staged = [];
  }
}
