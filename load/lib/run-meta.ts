// A load run's identity: its id (the run folder's name) and meta.json, written by the load CLI (and the benchmarks)
// and read by every report through the same type. Pure: the k6 script names its run with newRunId too.
import { LoadInputError } from './input-error.ts';
import { isRecord } from './profiles.ts';
import type { Objective } from './slo.ts';

/** The schedule the run actually ran (after env overrides): runs are only comparable when it is the same. */
export interface RunSchedule {
  startRate: number;
  timeUnit: string;
  stages: readonly { readonly duration: string; readonly target: number }[];
  preAllocatedVUs: number;
  maxVUs: number;
  scheduledIterations: number;
  durationMs: number;
}

/** meta.json. The first seven fields are always there; the rest when the writer knows them. */
export interface RunMeta {
  runId: string;
  profile: string;
  /** 'k6' (the binary) or 'node' (the local engine). */
  engine: string;
  target: string;
  commit: string;
  /** ISO 8601. */
  startedAt: string;
  endedAt: string;
  /** The run's verdict exit code (0 pass, 99 threshold failed, ...). */
  exitCode?: number;
  /** The engine process's own exit code. */
  engineExitCode?: number;
  /** A summary.json was written. */
  complete?: boolean;
  /** The suite started the target itself (the reference) rather than running against a configured host. */
  managedTarget?: boolean;
  /** Exactly the objectives the script declared as thresholds. */
  objectives?: readonly Objective[];
  schedule?: RunSchedule;
}

export function runMetaJson(meta: RunMeta): string {
  return `${JSON.stringify(meta, null, 2)}\n`;
}

/** meta.json as RunMeta: a missing text field is '', a field of the wrong type is refused in one line. */
export function parseRunMeta(raw: unknown, source: string): RunMeta {
  if (!isRecord(raw)) throw new LoadInputError(`run metadata ${source} is not a JSON object`);
  const text = (k: string): string => {
    const v = raw[k];
    if (v === undefined || v === null) return '';
    if (typeof v !== 'string') throw new LoadInputError(`run metadata ${source}: "${k}" must be a string`);
    return v;
  };
  const meta: RunMeta = {
    runId: text('runId'),
    profile: text('profile'),
    engine: text('engine'),
    target: text('target'),
    commit: text('commit'),
    startedAt: text('startedAt'),
    endedAt: text('endedAt'),
  };
  const typed = <T>(k: string, type: 'number' | 'boolean', set: (v: T) => void): void => {
    const v = raw[k];
    if (v === undefined || v === null) return;
    if (typeof v !== type) throw new LoadInputError(`run metadata ${source}: "${k}" must be a ${type}`);
    set(v as T);
  };
  typed<number>('exitCode', 'number', (v) => (meta.exitCode = v));
  typed<number>('engineExitCode', 'number', (v) => (meta.engineExitCode = v));
  typed<boolean>('complete', 'boolean', (v) => (meta.complete = v));
  typed<boolean>('managedTarget', 'boolean', (v) => (meta.managedTarget = v));
  if (Array.isArray(raw.objectives)) meta.objectives = raw.objectives.filter(isObjective);
  if (isRecord(raw.schedule) && Array.isArray(raw.schedule.stages))
    meta.schedule = raw.schedule as unknown as RunSchedule;
  return meta;
}

function isObjective(o: unknown): o is Objective {
  return isRecord(o) && typeof o.metric === 'string' && typeof o.expression === 'string';
}

/** The schedule as a comparable one-liner ("1→3s:6,12s:6 per 1s, maxVUs 10"); '' when meta.json has none. */
export function scheduleLabel(schedule: RunSchedule | undefined): string {
  if (schedule === undefined) return '';
  const stages = schedule.stages.map((s) => `${String(s.duration)}:${String(s.target)}`).join(',');
  return `${String(schedule.startRate ?? 0)}→${stages} per ${String(schedule.timeUnit ?? '1s')}, maxVUs ${String(schedule.maxVUs ?? '?')}`;
}

/** A run id is a folder name: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 100. */
export const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isRunId(text: string): boolean {
  return runIdPattern.test(text);
}

/**
 * The one run id format: UTC time to the second, the profile, a suffix ("20261204T064113Z-smoke-3f9a"), so ids sort
 * by time and name their profile. The suffix is 4 random hex digits unless given (the suite uses "suite").
 */
export function newRunId(profile: string, now: Date = new Date(), suffix?: string): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const tail =
    suffix ??
    Math.floor(Math.random() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  const id = `${stamp}-${profile.replace(/[^A-Za-z0-9._-]/g, '_')}-${tail}`;
  return id.length > 100 ? id.slice(0, 100) : id;
}
