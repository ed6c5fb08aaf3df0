// The globals k6 gives a script besides its modules: console, open(), __ENV, __VU and __ITER.
import { bufferFromB64 } from './base64.ts';
import { Error, JSON, String } from './sandbox-builtins.ts';
import type { Dict, VuState } from './vu-state.ts';

/** console's arguments as one line: strings as they are, errors by message, anything else as JSON. */
export function formatLogArgs(args: unknown[]): string {
  return args
    .map((a) => {
      if (typeof a === 'string') return a;
      if (a instanceof Error) return a.message;
      try {
        return JSON.stringify(a);
      } catch {
        return String(a);
      }
    })
    .join(' ');
}

export function installGlobals(vu: VuState): void {
  const { host, id } = vu;

  function open(path: string, mode?: string): string | ArrayBuffer {
    if (!host.isInitPhase()) {
      throw new Error(`open("${path}") can only be called in the init context (top level of the script), as in k6`);
    }
    const binary = mode === 'b';
    const r = JSON.parse(host.open(String(path), binary)) as { v?: string; e?: string };
    if (r.e !== undefined) throw new Error(r.e);
    return binary ? bufferFromB64(r.v ?? '') : (r.v ?? '');
  }

  const console = {
    log: (...a: unknown[]) => host.log('info', formatLogArgs(a)),
    info: (...a: unknown[]) => host.log('info', formatLogArgs(a)),
    debug: (...a: unknown[]) => host.log('debug', formatLogArgs(a)),
    warn: (...a: unknown[]) => host.log('warn', formatLogArgs(a)),
    error: (...a: unknown[]) => host.log('error', formatLogArgs(a)),
  };

  const g = globalThis as unknown as Dict;
  g['console'] = console;
  g['open'] = open;
  g['__ENV'] = { ...id.env };
  g['__VU'] = id.vuId;
  // Each iteration sets it (the script runner).
  g['__ITER'] = 0;
}
