// CPU time of a process and its children from /proc (Linux), so the benchmark can say where each login's CPU went.
// Elsewhere (no /proc) it reports nothing rather than guessing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

// utime and stime are in clock ticks; Linux reports them at USER_HZ, which is 100 on every mainstream build.
const TICK_MS = 10;

function stat(pid: number): { ppid: number; cpuMs: number } | undefined {
  try {
    // The command name (field 2) may contain spaces: split after its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

/** The pid itself and its direct children (the reference and its identity process). */
export function processFamily(pid: number): number[] {
  if (!existsSync('/proc/self/stat')) return [];
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((p) => stat(p)?.ppid === pid);
  return [pid, ...children];
}

/** CPU milliseconds (user + system) used so far by each pid; undefined for one that is gone. */
export function cpuMs(pids: readonly number[]): (number | undefined)[] {
  return pids.map((p) => stat(p)?.cpuMs);
}
