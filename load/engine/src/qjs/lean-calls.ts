// The host-call path of a QuickJS VU. quickjs-emscripten's generic binding wraps every call from QuickJS into the
// host in a scope, a handle object per argument and a generator, which costs ~5 µs per call; a k6 iteration makes
// dozens of them (the clock, metric flushes, the request). Here a host function declares the types it takes and
// returns (strings, numbers, booleans) and is called with its arguments read straight from the VU's memory: ~0.3 µs.
//
// It relies on three internals of quickjs-emscripten-core 0.32 (the context's C-to-host callback table, its host
// reference map, and its ffi/module fields); `LeanCalls` checks for them once and fails with one line if a new
// version moved them, and the engine's tests exercise every call through this path.
import type { QuickJSAsyncContext, QuickJSHandle } from 'quickjs-emscripten-core';

export type LeanType = 's' | 'n' | 'b';
export type LeanReturn = LeanType | 'v';

/** A host function: its argument types, its result type ('v': undefined), and the function (may return a promise
 *  only when installed as blocking). */
export interface LeanFunction {
  args: readonly LeanType[];
  returns: LeanReturn;
  fn: (...args: never[]) => unknown;
}

interface Internals {
  ctx: { value: number };
  ffi: {
    QTS_ArgvGetJSValueConstPointer(argv: number, i: number): number;
    QTS_GetString(ctx: number, v: number): number;
    QTS_FreeCString(ctx: number, s: number): void;
    QTS_GetFloat64(ctx: number, v: number): number;
    QTS_NewFloat64(ctx: number, n: number): number;
    QTS_NewString(ctx: number, s: number): number;
    QTS_DupValuePointer(ctx: number, v: number): number;
    QTS_Throw(ctx: number, v: number): number;
  };
  module: {
    UTF8ToString(ptr: number): string;
    lengthBytesUTF8(s: string): number;
    stringToUTF8(s: string, ptr: number, max: number): void;
    _malloc(n: number): number;
    _free(ptr: number): void;
  };
  runtime: { hostRefs: { put(fn: unknown): number } };
  cToHostCallbacks: { callFunction: (ctx: number, self: number, argc: number, argv: number, id: number) => unknown };
  errorToHandle(e: unknown): QuickJSHandle;
}

type Call = (argc: number, argv: number) => number | Promise<number>;

/** The one-line error when quickjs-emscripten-core's internals this engine relies on are not where 0.32 has them. */
export function unsupportedCore(): Error {
  return new Error(
    'the installed quickjs-emscripten-core is not the 0.32 line the engine was written for: pin ^0.32.0 (npm ci)',
  );
}

export class LeanCalls {
  private readonly calls = new Map<number, Call>();
  private readonly i: Internals;
  private readonly ctxPtr: number;

  constructor(private readonly context: QuickJSAsyncContext) {
    const i = context as unknown as Internals;
    if (
      typeof i.cToHostCallbacks?.callFunction !== 'function' ||
      typeof i.runtime?.hostRefs?.put !== 'function' ||
      typeof i.ffi?.QTS_ArgvGetJSValueConstPointer !== 'function' ||
      typeof i.module?.UTF8ToString !== 'function'
    ) {
      throw unsupportedCore();
    }
    this.i = i;
    this.ctxPtr = i.ctx.value;
    const generic = i.cToHostCallbacks.callFunction;
    // Calls to functions made here take the lean path; any other host function keeps the generic one.
    i.cToHostCallbacks.callFunction = (ctx, self, argc, argv, id) => {
      const call = this.calls.get(id);
      return call === undefined ? generic(ctx, self, argc, argv, id) : call(argc, argv);
    };
  }

  /** Installs `fn` as `target[name]`. A blocking function returns a promise: the VU suspends until it settles. */
  install(target: QuickJSHandle, name: string, f: LeanFunction): void {
    const refs = this.i.runtime.hostRefs;
    const put = refs.put;
    let id = -1;
    // The function id is the host reference quickjs-emscripten allocates for the placeholder below.
    refs.put = (fn: unknown) => (id = put.call(refs, fn));
    let handle: QuickJSHandle;
    try {
      handle = this.context.newFunction(name, () => undefined);
    } finally {
      refs.put = put;
    }
    this.calls.set(id, this.call(f));
    this.context.setProp(target, name, handle);
    handle.dispose();
  }

  private call(f: LeanFunction): Call {
    const { ffi } = this.i;
    const readers = f.args.map((t) => (t === 's' ? this.readString : this.readNumber));
    const bools = f.args.map((t) => t === 'b');
    const toValue = this.writer(f.returns);
    const fn = f.fn as (...args: unknown[]) => unknown;
    return (argc, argv) => {
      try {
        const args: unknown[] = new Array(readers.length);
        for (let k = 0; k < readers.length; k++) {
          if (k >= argc) {
            args[k] = undefined;
            continue;
          }
          const v = readers[k]!(ffi.QTS_ArgvGetJSValueConstPointer(argv, k));
          args[k] = bools[k] ? v !== 0 && !Number.isNaN(v) : v;
        }
        const result = fn(...args);
        if (result instanceof Promise) return result.then(toValue, (e: unknown) => this.throwInto(e));
        return toValue(result);
      } catch (e) {
        return this.throwInto(e);
      }
    };
  }

  private readonly readString = (v: number): string => {
    const { ffi, module } = this.i;
    const ptr = ffi.QTS_GetString(this.ctxPtr, v);
    const s = module.UTF8ToString(ptr);
    ffi.QTS_FreeCString(this.ctxPtr, ptr);
    return s;
  };

  private readonly readNumber = (v: number): number => this.i.ffi.QTS_GetFloat64(this.ctxPtr, v);

  /** The result as a JSValue pointer QuickJS takes ownership of; 0 is undefined. */
  private writer(type: LeanReturn): (value: unknown) => number {
    const { ffi, module } = this.i;
    const ctx = this.ctxPtr;
    const t = this.context.true.value as unknown as number;
    const f = this.context.false.value as unknown as number;
    switch (type) {
      case 'v':
        return () => 0;
      case 'n':
        return (value) => ffi.QTS_NewFloat64(ctx, Number(value));
      case 'b':
        return (value) => ffi.QTS_DupValuePointer(ctx, value === true ? t : f);
      case 's':
        return (value) => {
          const s = String(value);
          const n = module.lengthBytesUTF8(s) + 1;
          const ptr = module._malloc(n);
          module.stringToUTF8(s, ptr, n);
          const result = ffi.QTS_NewString(ctx, ptr);
          module._free(ptr);
          return result;
        };
    }
  }

  /** A host exception becomes a QuickJS exception of the same message, as with the generic binding. */
  private throwInto(e: unknown): number {
    const handle = this.i.errorToHandle(e);
    try {
      return this.i.ffi.QTS_Throw(this.ctxPtr, handle.value as unknown as number);
    } finally {
      handle.dispose();
    }
  }
}

interface SuspendingCallbacks {
  handleAsyncify?: (asyncify: Asyncify | undefined, fn: () => unknown) => unknown;
}

interface Asyncify {
  handleSleep(start: (done: (value: unknown) => void) => void): unknown;
}

/**
 * The module's suspension path without a stack-traced Error per suspension (the generic one records where each
 * suspension began, to report a second one made while the first is pending; a VU makes its calls one at a time).
 * The lean calls never reject (a failure is thrown into QuickJS), so a promise settles into `done` either way.
 */
export function leanSuspensions(module: object): void {
  const callbacks = (module as { callbacks?: SuspendingCallbacks }).callbacks;
  if (typeof callbacks?.handleAsyncify !== 'function') {
    throw unsupportedCore();
  }
  callbacks.handleAsyncify = (asyncify, fn) => {
    if (!asyncify) return fn();
    return asyncify.handleSleep((done) => {
      const result = fn();
      if (result instanceof Promise) result.then(done, () => done(0));
      else done(result);
    });
  };
}
