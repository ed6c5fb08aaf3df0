// Load profiles as data (config/profiles.json): parsing, env overrides for small machines, and the k6 scenario they
// become. Pure (no k6 or Node imports) so the k6 script and the Node CLI compute exactly the same schedule.
import { formatDuration, parseDuration } from './duration.ts';
import { LoadInputError } from './input-error.ts';
import { maxWrongPasswordShare } from './wrong-password.ts';

export interface Stage {
  readonly duration: string;
  readonly target: number;
}

export interface Profile {
  readonly name: string;
  readonly description: string;
  readonly timeUnit: string;
  readonly startRate: number;
  readonly stages: readonly Stage[];
  readonly preAllocatedVUs: number;
  readonly maxVUs: number;
  readonly gracefulStop: string;
  /** Breakpoint runs: stop at the first breached SLO instead of running the whole ramp. */
  readonly abortOnFail: boolean;
  readonly delayAbortEval: string | undefined;
}

/** The k6 `ramping-arrival-rate` scenario a profile becomes (structurally a k6 RampingArrivalRateScenario). */
export interface ArrivalRateScenario {
  executor: 'ramping-arrival-rate';
  startRate: number;
  timeUnit: string;
  stages: Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
  gracefulStop: string;
  tags: { [name: string]: string };
}

/** Env knobs that reshape a profile (all optional). */
export interface Overrides {
  readonly rateScale: number;
  readonly durationScale: number;
  readonly stages: readonly Stage[] | undefined;
  readonly maxVUs: number | undefined;
  readonly preAllocatedVUs: number | undefined;
  /** Share of logins sent with a wrong password on purpose (expected 401), 0..1, default 0. */
  readonly wrongPasswordShare: number;
}

export type Env = { readonly [name: string]: string | undefined };

/** The variables `readOverrides` understands, with what they do (printed by `npm run load -- --help`). */
export const overrideVariables = {
  LOAD_RATE_SCALE: 'multiply every rate and VU count of the profile (e.g. 0.5 on a small machine)',
  LOAD_DURATION_SCALE: 'multiply every stage duration (e.g. 0.1 for a quick look at a long profile)',
  LOAD_STAGES: 'replace the stages: comma-separated duration:target, e.g. "10s:5,30s:5,5s:0"',
  LOAD_MAX_VUS: 'replace maxVUs (also the number of load accounts needed)',
  LOAD_PRE_ALLOCATED_VUS: 'replace preAllocatedVUs',
  LOAD_WRONG_PASSWORD_SHARE:
    'share of logins sent with a wrong password on purpose, expected 401 (0..0.5, default 0; never two in a row per account)',
} as const;

export function parseProfiles(text: string, source: string): Map<string, Profile> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LoadInputError(`${source} is not valid JSON: ${firstLine(error)}`);
  }
  const profiles = isRecord(data) ? data.profiles : undefined;
  if (!isRecord(profiles) || Object.keys(profiles).length === 0) {
    throw new LoadInputError(`${source} must be an object with a non-empty "profiles" object`);
  }
  const result = new Map<string, Profile>();
  for (const name of Object.keys(profiles)) {
    result.set(name, parseProfile(name, profiles[name], `${source} profile "${name}"`));
  }
  return result;
}

export function selectProfile(profiles: ReadonlyMap<string, Profile>, name: string): Profile {
  const profile = profiles.get(name);
  if (profile === undefined) {
    throw new LoadInputError(`unknown profile "${name}": choose one of ${[...profiles.keys()].join(', ')}`);
  }
  return profile;
}

export function readOverrides(env: Env): Overrides {
  const stagesText = nonEmpty(env.LOAD_STAGES);
  return {
    rateScale: positiveNumber(env, 'LOAD_RATE_SCALE') ?? 1,
    durationScale: positiveNumber(env, 'LOAD_DURATION_SCALE') ?? 1,
    stages: stagesText === undefined ? undefined : parseStagesOverride(stagesText),
    maxVUs: positiveInteger(env, 'LOAD_MAX_VUS'),
    preAllocatedVUs: positiveInteger(env, 'LOAD_PRE_ALLOCATED_VUS'),
    wrongPasswordShare: wrongPasswordShare(env),
  };
}

/** The profile as it will run: explicit overrides replace values, then the scales apply. */
export function applyOverrides(profile: Profile, o: Overrides): Profile {
  const stages = (o.stages ?? profile.stages).map((s) => ({
    duration: formatDuration(parseDuration(s.duration, 'stage duration') * o.durationScale),
    target: scaleRate(s.target, o.rateScale),
  }));
  const maxVUs = o.maxVUs ?? Math.max(1, Math.ceil(profile.maxVUs * o.rateScale));
  const preAllocatedVUs = Math.min(
    maxVUs,
    o.preAllocatedVUs ?? Math.max(1, Math.ceil(profile.preAllocatedVUs * o.rateScale)),
  );
  return { ...profile, stages, maxVUs, preAllocatedVUs, startRate: scaleRate(profile.startRate, o.rateScale) };
}

export function toScenario(profile: Profile): ArrivalRateScenario {
  return {
    executor: 'ramping-arrival-rate',
    startRate: profile.startRate,
    timeUnit: profile.timeUnit,
    stages: profile.stages.map((s) => ({ duration: s.duration, target: s.target })),
    preAllocatedVUs: profile.preAllocatedVUs,
    maxVUs: profile.maxVUs,
    gracefulStop: profile.gracefulStop,
    tags: { profile: profile.name },
  };
}

/** Iterations the schedule starts in total: the area under the linear rate ramps. */
export function scheduledIterations(profile: Profile): number {
  const unitMs = parseDuration(profile.timeUnit, 'timeUnit');
  let rate = profile.startRate;
  let total = 0;
  for (const stage of profile.stages) {
    const ms = parseDuration(stage.duration, 'stage duration');
    total += ((rate + stage.target) / 2) * (ms / unitMs);
    rate = stage.target;
  }
  return Math.floor(total);
}

export function scheduleDurationMs(profile: Profile): number {
  return profile.stages.reduce((sum, s) => sum + parseDuration(s.duration, 'stage duration'), 0);
}

function parseProfile(name: string, raw: unknown, where: string): Profile {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new LoadInputError(`${where}: names use lower-case letters, digits and -`);
  if (!isRecord(raw)) throw new LoadInputError(`${where} must be an object`);
  const stagesRaw = raw.stages;
  if (!Array.isArray(stagesRaw) || stagesRaw.length === 0) {
    throw new LoadInputError(`${where}: "stages" must be a non-empty array of {duration, target}`);
  }
  const stages = stagesRaw.map((s: unknown, i: number) => {
    if (!isRecord(s) || typeof s.duration !== 'string') {
      throw new LoadInputError(`${where}: stages[${i}] must be {duration: "30s", target: N}`);
    }
    parseDuration(s.duration, `${where} stages[${i}].duration`);
    return { duration: s.duration, target: nonNegative(s.target, `${where} stages[${i}].target`) };
  });
  const timeUnit = typeof raw.timeUnit === 'string' ? raw.timeUnit : '1s';
  if (parseDuration(timeUnit, `${where} timeUnit`) <= 0) throw new LoadInputError(`${where}: timeUnit must be > 0`);
  const maxVUs = positive(raw.maxVUs, `${where} maxVUs`);
  const preAllocatedVUs = positive(raw.preAllocatedVUs, `${where} preAllocatedVUs`);
  if (preAllocatedVUs > maxVUs) throw new LoadInputError(`${where}: preAllocatedVUs must not exceed maxVUs`);
  const gracefulStop = typeof raw.gracefulStop === 'string' ? raw.gracefulStop : '30s';
  parseDuration(gracefulStop, `${where} gracefulStop`);
  const delayAbortEval = typeof raw.delayAbortEval === 'string' ? raw.delayAbortEval : undefined;
  if (delayAbortEval !== undefined) parseDuration(delayAbortEval, `${where} delayAbortEval`);
  return {
    name,
    description: typeof raw.description === 'string' ? raw.description : name,
    timeUnit,
    startRate: raw.startRate === undefined ? 0 : nonNegative(raw.startRate, `${where} startRate`),
    stages,
    preAllocatedVUs,
    maxVUs,
    gracefulStop,
    abortOnFail: raw.abortOnFail === true,
    delayAbortEval,
  };
}

function parseStagesOverride(text: string): Stage[] {
  return text.split(',').map((part) => {
    const match = /^\s*([0-9.a-z]+)\s*:\s*(\d+)\s*$/.exec(part);
    if (match === null || match[1] === undefined || match[2] === undefined) {
      throw new LoadInputError(`LOAD_STAGES="${text}" is invalid: expected duration:target pairs like "10s:5,30s:5"`);
    }
    parseDuration(match[1], 'LOAD_STAGES duration');
    return { duration: match[1], target: Number(match[2]) };
  });
}

// Rates stay whole numbers (k6 stage targets are integers) but a non-zero rate never scales down to zero.
function scaleRate(rate: number, scale: number): number {
  return rate === 0 ? 0 : Math.max(1, Math.round(rate * scale));
}

function positiveNumber(env: Env, name: string): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 100) {
    throw new LoadInputError(`${name}="${raw}" must be a number greater than 0 and at most 100`);
  }
  return value;
}

/** At most every other login of a VU may be wrong (load/lib/wrong-password.ts: its account must never lock). */
function wrongPasswordShare(env: Env): number {
  const value = share(env, 'LOAD_WRONG_PASSWORD_SHARE') ?? 0;
  if (value > maxWrongPasswordShare) {
    throw new LoadInputError(
      `LOAD_WRONG_PASSWORD_SHARE="${env.LOAD_WRONG_PASSWORD_SHARE ?? ''}" must be at most ${maxWrongPasswordShare}: a VU never sends two wrong passwords in a row, so its account never locks`,
    );
  }
  return value;
}

function share(env: Env, name: string): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new LoadInputError(`${name}="${raw}" must be a share from 0 to 1 (e.g. 0.1 for 10%)`);
  }
  return value;
}

function positiveInteger(env: Env, name: string): number | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 100_000) {
    throw new LoadInputError(`${name}="${raw}" must be a whole number from 1 to 100000`);
  }
  return Number(raw);
}

function nonNegative(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new LoadInputError(`${what} must be a whole number >= 0`);
  }
  return value;
}

function positive(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new LoadInputError(`${what} must be a whole number >= 1`);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value === undefined ? undefined : value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function isRecord(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}
