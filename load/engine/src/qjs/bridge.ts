// The host's side of a QuickJS VU's bridge: the object of functions (iterate, lifecycle, pump, ...) that qjs-vu.ts
// defines inside the VU around the k6 runtime. The host holds the only reference to it (it leaves the global object
// before the script runs), so a script cannot settle its own iteration or forge samples. Functions are called by
// name through handles kept for the VU's life: no source text is compiled per call.
//
// A call that may block (an iteration, a lifecycle function, a pump of the event loop) goes through an asynchronous
// QTS_Call: when QuickJS reaches a blocking host call, the WebAssembly stack unwinds, the host awaits, and the call
// resumes. quickjs-emscripten's own callFunction cannot wait for that (its all-number signature makes Emscripten's
// cwrap return the raw export), so this relies on the module's cwrap with {async: true}, an internal of
// quickjs-emscripten-core 0.32 like the others lean-calls.ts names.
import type { QuickJSAsyncContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { unsupportedCore } from './lean-calls.ts';

export type BridgeArg = number | string | QuickJSHandle;

type AsyncExport = (...args: number[]) => Promise<number>;

interface Internals {
  ctx: { value: number };
  rt: { value: number };
  ffi: {
    QTS_ResolveException(ctx: number, value: number): number;
    QTS_FreeValuePointer(ctx: number, value: number): void;
    QTS_FreeValuePointerRuntime(rt: number, value: number): void;
    QTS_IsJobPending(rt: number): number;
  };
  memory: { heapValueHandle(ptr: number): QuickJSHandle };
  module: {
    HEAPU8: Uint8Array;
    _malloc(n: number): number;
    _free(ptr: number): void;
    cwrap(name: string, returns: string, args: string[], opts: { async: true }): AsyncExport;
  };
}

export class Bridge {
  private readonly functions = new Map<string, QuickJSHandle>();
  private readonly i: Internals;
  private readonly call: AsyncExport;
  private readonly executeJob: AsyncExport;

  constructor(
    private readonly ctx: QuickJSAsyncContext,
    private readonly object: QuickJSHandle,
  ) {
    this.i = ctx as unknown as Internals;
    if (typeof this.i.module?.cwrap !== 'function' || typeof this.i.ffi?.QTS_ResolveException !== 'function') {
      throw unsupportedCore();
    }
    const numbers = (n: number) => Array.from({ length: n }, () => 'number');
    this.call = this.i.module.cwrap('QTS_Call', 'number', numbers(5), { async: true });
    this.executeJob = this.i.module.cwrap('QTS_ExecutePendingJob', 'number', numbers(3), { async: true });
  }

  private fn(name: string): QuickJSHandle {
    let f = this.functions.get(name);
    if (f === undefined) {
      f = this.ctx.getProp(this.object, name);
      this.functions.set(name, f);
    }
    return f;
  }

  /** Handles for the arguments; those made here are disposed by `release`. */
  private handles(args: readonly BridgeArg[]): { handles: QuickJSHandle[]; release: () => void } {
    const made: QuickJSHandle[] = [];
    const handles = args.map((a) => {
      if (typeof a === 'object') return a;
      const h = typeof a === 'number' ? this.ctx.newNumber(a) : this.ctx.newString(a);
      made.push(h);
      return h;
    });
    return { handles, release: () => made.forEach((h) => h.alive && h.dispose()) };
  }

  /** A call that cannot block; returns its result as plain data (numbers, strings, booleans, JSON-like values). */
  callSync(name: string, args: readonly BridgeArg[]): unknown {
    const { handles, release } = this.handles(args);
    try {
      const r = this.ctx.callFunction(this.fn(name), this.ctx.undefined, handles);
      if (r.error) throw new ScriptFailure(this.consume(r.error));
      return this.consume(r.value);
    } finally {
      release();
    }
  }

  /** A call that may block: the VU suspends inside it while the host awaits. Runs the promise jobs it left. */
  async callAsync(name: string, args: readonly BridgeArg[]): Promise<unknown> {
    const { handles, release } = this.handles(args);
    const argv = this.i.module._malloc(Math.max(4, handles.length * 4));
    new Int32Array(this.i.module.HEAPU8.buffer, argv, handles.length).set(handles.map((h) => h.value as number));
    let result: unknown;
    try {
      const ctxPtr = this.i.ctx.value;
      const valuePtr = await this.call(
        ctxPtr,
        this.fn(name).value as number,
        this.ctx.undefined.value as number,
        handles.length,
        argv,
      );
      const errorPtr = this.i.ffi.QTS_ResolveException(ctxPtr, valuePtr);
      if (errorPtr !== 0) {
        this.i.ffi.QTS_FreeValuePointer(ctxPtr, valuePtr);
        throw new ScriptFailure(this.consume(this.i.memory.heapValueHandle(errorPtr)));
      }
      result = this.consume(this.i.memory.heapValueHandle(valuePtr));
    } finally {
      this.i.module._free(argv);
      release();
    }
    await this.runJobs();
    return result;
  }

  private consume(h: QuickJSHandle): unknown {
    const v = this.ctx.dump(h) as unknown;
    if (h.alive) h.dispose();
    return v;
  }

  /**
   * Promise jobs (async default functions, http.asyncRequest): run until none is pending, each through an async
   * call, so a job may make a blocking call (an `await` followed by http.get). Most calls leave no job: asking is a
   * plain call, running one an asynchronous one.
   */
  async runJobs(): Promise<void> {
    const { rt, ffi, module } = this.i;
    for (;;) {
      if (ffi.QTS_IsJobPending(rt.value) === 0) return;
      const out = module._malloc(4);
      const valuePtr = await this.executeJob(rt.value, 1, out);
      // Read the context pointer through a fresh view: the call may have grown (and so detached) the memory.
      const ctxPtr = new Int32Array(module.HEAPU8.buffer, out, 1)[0];
      module._free(out);
      if (ctxPtr === 0) {
        ffi.QTS_FreeValuePointerRuntime(rt.value, valuePtr);
        return;
      }
      const handle = this.i.memory.heapValueHandle(valuePtr);
      const ran = this.ctx.typeof(handle) === 'number' ? this.ctx.getNumber(handle) : 0; // else a job's exception
      handle.dispose();
      if (ran === 0) return;
    }
  }
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
