// A VU's event loop, as k6 runs one per VU: timers (k6/timers) and queued asynchronous work (http.asyncRequest) that
// an iteration waits for before it ends. It lives in the sandbox and is advanced by the script runner's pump(), which
// the host calls whenever its microtask queue is empty (a sandbox cannot drain microtasks itself): each step fires
// the due timers, or performs the queued work, or sleeps (host.sleep) until the next timer is due. Both engine
// designs drive it the same way; nothing here blocks except host calls.
import type { HostApi } from './host-api.ts';
import { Error, Number } from './sandbox-builtins.ts';

/** Work other modules queue (e.g. async requests): performed in one go by a step, settling their promises. */
export interface AsyncSource {
  pending(): boolean;
  run(): void;
  /** Drops the queued work (the call ended by an exception: nothing may leak into the next iteration). */
  reset(): void;
}

interface Timer {
  id: number;
  due: number;
  /** 0 for setTimeout; the period for setInterval. */
  every: number;
  fn: () => void;
}

export interface EventLoop {
  setTimeout(fn: unknown, ms?: unknown, ...args: unknown[]): number;
  clearTimeout(id: unknown): void;
  setInterval(fn: unknown, ms?: unknown, ...args: unknown[]): number;
  clearInterval(id: unknown): void;
  addSource(source: AsyncSource): void;
  /** True while a timer is armed or a source has work. */
  busy(): boolean;
  /** One step (see the file comment). A callback's exception is kept in `error`, not thrown. */
  step(): void;
  /** The first exception a timer callback threw since the last reset. */
  error: { value: unknown } | null;
  /** Drops every timer and the error (the iteration ended, or failed and left timers behind). */
  reset(): void;
}

export function createEventLoop(host: HostApi): EventLoop {
  let timers: Timer[] = [];
  let nextId = 1;
  const sources: AsyncSource[] = [];

  function arm(fn: unknown, ms: unknown, args: unknown[], repeat: boolean, what: string): number {
    if (typeof fn !== 'function') throw new Error(`${what}: the first argument must be a function`);
    // As in browsers and k6: a missing, negative or non-numeric delay means 0.
    const delay = Number(ms) > 0 ? Number(ms) : 0;
    const id = nextId++;
    timers.push({ id, due: host.now() + delay, every: repeat ? delay : 0, fn: () => fn(...args) });
    return id;
  }

  function clear(id: unknown): void {
    timers = timers.filter((t) => t.id !== Number(id));
  }

  /** Fires every timer due now, earliest first; an interval is re-armed after its callback. */
  function fireDue(): void {
    const now = host.now();
    const due = timers.filter((t) => t.due <= now).sort((a, b) => a.due - b.due || a.id - b.id);
    for (const t of due) {
      if (!timers.includes(t)) continue; // cleared by an earlier callback of this round
      if (t.every > 0) t.due = now + t.every;
      else clear(t.id);
      try {
        t.fn();
      } catch (e) {
        if (loop.error === null) loop.error = { value: e };
        return;
      }
    }
  }

  const loop: EventLoop = {
    setTimeout: (fn, ms, ...args) => arm(fn, ms, args, false, 'setTimeout'),
    clearTimeout: clear,
    setInterval: (fn, ms, ...args) => arm(fn, ms, args, true, 'setInterval'),
    clearInterval: clear,
    addSource(source) {
      sources.push(source);
    },
    busy: () => timers.length > 0 || sources.some((s) => s.pending()),
    step() {
      const now = host.now();
      if (timers.some((t) => t.due <= now)) return fireDue();
      const work = sources.filter((s) => s.pending());
      if (work.length > 0) {
        for (const s of work) s.run();
        return;
      }
      if (timers.length === 0) return;
      const next = timers.reduce((m, t) => (t.due < m ? t.due : m), Infinity);
      if (next > now) host.sleep(next - now);
      fireDue();
    },
    error: null,
    reset() {
      timers = [];
      loop.error = null;
      for (const s of sources) s.reset();
    },
  };
  return loop;
}
