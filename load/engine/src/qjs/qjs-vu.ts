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

/** The compiled module this thread's VUs instantiate (each a fresh memory): set once from the thread's data. */
export function useWasmModule(module: WebAssembly.Module): void {
  wasm = module;
}

async function newModule(): Promise<QuickJSAsyncWASMModule> {
  if (wasm === undefined) throw new Error('the QuickJS WebAssembly module was not handed to this thread');
  const variant = newVariant(asyncifyVariant as never, { wasmModule: wasm });
  return newQuickJSAsyncWASMModuleFromVariant(variant as never);
}

/** Names of the sync HostApi members, installed as `__host.<name>` (strings, numbers and booleans in and out). */
const syncHostCalls = [
  'open',
  'declareMetric',
  'abort',
  'log',
  'sharedArrayGet',
  'sharedArrayPut',
  'digest',
  'randomBytesB64',
  'utf8ToB64',
  'b64ToUtf8',
  'executionState',
  'isInitPhase',
  'now',
  'htmlModuleSource',
] as const;

export class QjsVu {
  private iterationDone: ((o: IterationOutcome) => void) | null = null;
  private lifecycleDone: ((o: LifecycleOutcome) => void) | null = null;
  private executeJob: ((rt: number, max: number, ctxOut: number) => Promise<number>) | undefined;

  private constructor(
    private readonly module: QuickJSAsyncWASMModule,
    private readonly ctx: QuickJSAsyncContext,
  ) {}

  /**
   * A VU with the runtime and the script evaluated (the init context). Throws the script's error (mapped by the
   * caller) when the init context fails.
   */
  static async create(host: AsyncHost, id: VuIdentity, runtimeCode: string, scriptCode: string): Promise<QjsVu> {
    const module = await newModule();
    const runtime = module.newRuntime();
    runtime.setMaxStackSize(0);
    const ctx = runtime.newContext();
    const vu = new QjsVu(module, ctx);
    vu.installHost(host);
    vu.evalSync(runtimeCode, 'k6-runtime.js');
    vu.evalSync(
      `globalThis.__rt = __k6RuntimeFactory(__host, ${JSON.stringify(id)}); delete globalThis.__k6RuntimeFactory;`,
      'init.js',
    );
    // The script's init context may block (open() does not, but http calls at init are allowed by k6): async eval.
    // Top-level await makes the module function return a promise; awaitInit waits for it and the timers it armed.
    await vu.evalAsync(
      `(function () { const module = { exports: {} }; const r = (function (exports, require, module) {${scriptCode}\n})(module.exports, function require(name) { return __rt.require(name); }, module); __rt.awaitInit(r, (e) => { if (e === null) __rt.setExports(module.exports); globalThis.__initOutcome = e === null ? '' : e; }); })()`,
      'k6-script-bundle.js',
    );
    await vu.pumpWhile(() => vu.evalString('typeof __initOutcome') !== 'string');
    const error = vu.evalString('__initOutcome');
    if (error !== '') throw new ScriptFailure(error);
    return vu;
  }

  private installHost(host: AsyncHost): void {
    const ctx = this.ctx;
    const hostObject = ctx.newObject();
    // Arguments by type, without ctx.dump's generic path (it asks the VM for each value's type first).
    const toJs = (h: QuickJSHandle): unknown => {
      const type = ctx.typeof(h);
      return type === 'string' ? ctx.getString(h) : type === 'number' ? ctx.getNumber(h) : ctx.dump(h);
    };
    const fromJs = (v: unknown): QuickJSHandle =>
      typeof v === 'string'
        ? ctx.newString(v)
        : typeof v === 'number'
          ? ctx.newNumber(v)
          : typeof v === 'boolean'
            ? v
              ? ctx.true
              : ctx.false
            : ctx.undefined;
    for (const name of syncHostCalls) {
      const fn = host[name] as ((...args: unknown[]) => unknown) | undefined;
      if (fn === undefined) continue; // an optional call this host does not offer (the runtime checks for it)
      const handle = ctx.newFunction(name, (...args) => fromJs(fn.apply(host, args.map(toJs))));
      ctx.setProp(hostObject, name, handle);
      handle.dispose();
    }
    const flush = ctx.newFunction('flush', (samples) => {
      host.flush(JSON.parse(ctx.getString(samples)) as RawSample[]);
    });
    ctx.setProp(hostObject, 'flushJson', flush);
    flush.dispose();
    const request = ctx.newAsyncifiedFunction('request', async (spec) =>
      ctx.newString(await host.request(ctx.getString(spec))),
    );
    ctx.setProp(hostObject, 'request', request);
    request.dispose();
    const sleep = ctx.newAsyncifiedFunction('sleep', async (ms) => {
      await host.sleep(ctx.getNumber(ms));
    });
    ctx.setProp(hostObject, 'sleep', sleep);
    sleep.dispose();
    const settle = ctx.newFunction('settle', (kind, json) => {
      const o = JSON.parse(ctx.getString(json)) as LifecycleOutcome;
      const k = ctx.getString(kind);
      if (k === 'iteration') {
        const done = this.iterationDone;
        this.iterationDone = null;
        done?.(o);
      } else {
        const done = this.lifecycleDone;
        this.lifecycleDone = null;
        done?.(o);
      }
    });
    ctx.setProp(hostObject, 'settle', settle);
    settle.dispose();
    ctx.setProp(ctx.global, '__hostRaw', hostObject);
    hostObject.dispose();
    // host.flush takes an array in the HostApi; across the boundary it travels as JSON text.
    this.evalSync(
      `globalThis.__host = Object.assign({}, __hostRaw, { flush: (s) => __hostRaw.flushJson(JSON.stringify(s)) }); delete globalThis.__hostRaw;`,
      'host.js',
    );
    this.evalSync(
      `globalThis.__iterate = (json) => __rt.iterate(JSON.parse(json), (o) => __host.settle('iteration', JSON.stringify({ samples: o.samples, error: o.error === null ? null : __describe(o.error), aborted: o.aborted })));`,
      'iterate.js',
    );
    this.evalSync(
      `globalThis.__describe = (e) => (e !== null && typeof e === 'object' && 'message' in e) ? String(e.name || 'Error') + ': ' + String(e.message) + (e.stack ? '\\n' + e.stack : '') : String(e);`,
      'describe.js',
    );
  }

  private evalSync(code: string, filename: string): void {
    const r = this.ctx.evalCode(code, filename);
    if (r.error) {
      const e = this.ctx.dump(r.error) as unknown;
      r.error.dispose();
      throw new ScriptFailure(e);
    }
    r.value.dispose();
  }

  private async evalAsync(code: string, filename: string): Promise<void> {
    const r = await this.ctx.evalCodeAsync(code, filename);
    if (r.error) {
      const e = this.ctx.dump(r.error) as unknown;
      r.error.dispose();
      throw new ScriptFailure(e);
    }
    r.value.dispose();
    await this.runJobs();
  }

  /**
   * Promise jobs (async default functions, http.asyncRequest): run until none is pending, each through an async
   * call, so a job may make a blocking call (an `await` followed by http.get). quickjs-emscripten's executePendingJobs
   * cannot: its all-number signature makes Emscripten's cwrap return the raw export, which does not wait for a
   * suspension (the VU was left suspended, then aborted). cwrap with {async: true} goes through ccall, which does.
   */
  private async runJobs(): Promise<void> {
    const rt = this.ctx.runtime as unknown as JobRuntime;
    this.executeJob ??= rt.module.cwrap('QTS_ExecutePendingJob', 'number', ['number', 'number', 'number'], {
      async: true,
    });
    for (;;) {
      const out = rt.memory.newMutablePointerArray(1);
      const valuePtr = await this.executeJob(rt.rt.value, 1, out.value.ptr);
      // Read the context pointer through a fresh view: the call may have grown (and so detached) the memory.
      const ctxPtr = new Int32Array(rt.module.HEAPU8.buffer, out.value.ptr, 1)[0];
      out.dispose();
      if (ctxPtr === 0) {
        rt.ffi.QTS_FreeValuePointerRuntime(rt.rt.value, valuePtr);
        return;
      }
      const handle = this.ctx.getMemory(rt.rt.value as never).heapValueHandle(valuePtr as never);
      const ran = this.ctx.typeof(handle) === 'number' ? this.ctx.getNumber(handle) : 0; // else a job's exception
      handle.dispose();
      if (ran === 0) return;
    }
  }

  /**
   * Drives the runtime's event loop (timers, async requests; vu/event-loop.ts) while a call waits: each turn runs
   * once the VU's promise jobs are drained, which the sandbox cannot do by itself.
   */
  private async pumpWhile(waiting: () => boolean): Promise<void> {
    while (waiting()) {
      const r = await this.ctx.evalCodeAsync('__rt.pump()', 'pump.js');
      if (r.error) {
        const e = this.ctx.dump(r.error) as unknown;
        r.error.dispose();
        throw new ScriptFailure(e);
      }
      const more = this.ctx.dump(r.value) === true;
      r.value.dispose();
      await this.runJobs();
      if (!more) return;
    }
  }

  optionsJson(): string {
    return this.evalString('__rt.optionsJson()');
  }

  exportNames(): string[] {
    return JSON.parse(this.evalString('JSON.stringify(__rt.exportNames())')) as string[];
  }

  setSetupData(json: string): void {
    this.evalSync(`__rt.setSetupData(${JSON.stringify(json)})`, 'set-data.js');
  }

  private evalString(code: string): string {
    const r = this.ctx.evalCode(code);
    if (r.error) {
      const e = this.ctx.dump(r.error) as unknown;
      r.error.dispose();
      throw new ScriptFailure(e);
    }
    const s = this.ctx.getString(r.value);
    r.value.dispose();
    return s;
  }

  /**
   * One iteration; resolves when the runtime reports it done (async exec functions included). The order travels as
   * a global string and the code evaluated is the same short call each time (QuickJS parses it in microseconds).
   */
  async iterate(order: IterationOrder): Promise<IterationOutcome> {
    const done = new Promise<IterationOutcome>((resolve) => (this.iterationDone = resolve));
    const json = this.ctx.newString(JSON.stringify(order));
    this.ctx.setProp(this.ctx.global, '__order', json);
    json.dispose();
    await this.evalAsync('__iterate(__order)', 'iteration.js');
    await this.pumpWhile(() => this.iterationDone !== null);
    return done;
  }

  async lifecycle(name: string, argJson: string): Promise<LifecycleOutcome> {
    const done = new Promise<LifecycleOutcome>((resolve) => (this.lifecycleDone = resolve));
    await this.evalAsync(
      `__rt.lifecycle(${JSON.stringify(name)}, ${JSON.stringify(argJson)}, (o) => __host.settle('lifecycle', JSON.stringify({ result: o.result, samples: o.samples, error: o.error === null ? null : __describe(o.error), aborted: o.aborted })))`,
      'lifecycle.js',
    );
    await this.pumpWhile(() => this.lifecycleDone !== null);
    return done;
  }

  dispose(): void {
    this.ctx.dispose();
    this.ctx.runtime.dispose();
  }
}

/** The internals of quickjs-emscripten's runtime that runJobs needs (not in its public types). */
interface JobRuntime {
  rt: { value: number };
  ffi: { QTS_FreeValuePointerRuntime(rt: number, value: number): void };
  memory: { newMutablePointerArray(n: number): { value: { ptr: number }; dispose(): void } };
  module: {
    HEAPU8: Uint8Array;
    cwrap(
      name: string,
      returns: string,
      args: string[],
      opts: { async: true },
    ): (rt: number, max: number, ctxOut: number) => Promise<number>;
  };
}

/** An error thrown by script code, as QuickJS dumped it ({name, message, stack} or a plain value). */
export class ScriptFailure extends Error {
  constructor(readonly value: unknown) {
    super(describeThrown(value));
  }
}

export function describeThrown(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'message' in value) {
    const v = value as { name?: string; message?: string; stack?: string };
    return `${v.name ?? 'Error'}: ${v.message ?? ''}${v.stack ? `\n${v.stack}` : ''}`;
  }
  return String(value);
}
