// k6/timers: setTimeout, clearTimeout, setInterval, clearInterval on the VU's event loop (event-loop.ts). k6 also
// exposes them as globals, so the same functions are installed on the sandbox's global object.
import type { Dict, VuState } from './vu-state.ts';

export function createTimersModule(vu: VuState): Dict {
  const { loop } = vu;
  return {
    setTimeout: loop.setTimeout,
    clearTimeout: loop.clearTimeout,
    setInterval: loop.setInterval,
    clearInterval: loop.clearInterval,
  };
}

export function installTimerGlobals(timers: Dict): void {
  const g = globalThis as unknown as Dict;
  for (const name of ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval']) g[name] = timers[name];
}
