// CPU time of a process and its children from /proc (Linux), so the benchmark can say where each login's CPU went,
// and the machine's idle share, so it can show whether a phase kept every core busy.
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

/**
 * Idle, stolen and total CPU ticks of the whole machine (all cores, from /proc/stat); undefined where there is no
 * /proc. Steal is time the hypervisor gave our virtual cores to someone else: noise from outside this machine.
 */
export function machineTicks(): { idle: number; steal: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: idle and iowait are time no process could use.
    // Fields 9 and 10 (guest time) are already counted in user and nice.
    return {
      idle: fields[3]! + fields[4]!,
      steal: fields[7] ?? 0,
      total: fields.slice(0, 8).reduce((a, b) => a + b, 0),
    };
  } catch {
    return undefined;
  }
}

/** Shares (0..1) of the machine's CPU time left idle and stolen between two machineTicks() readings. */
export function machineShares(
  before: ReturnType<typeof machineTicks>,
  after: ReturnType<typeof machineTicks>,
): { idle: number; steal: number } | undefined {
  if (before === undefined || after === undefined || after.total <= before.total) return undefined;
  const total = after.total - before.total;
  return { idle: (after.idle - before.idle) / total, steal: (after.steal - before.steal) / total };
}
