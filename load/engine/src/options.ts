// Turns the script's exported `options` plus CLI flags into validated scenarios, as k6 does: CLI shortcuts
// (--vus/--duration/--iterations) override the script, shortcuts become one "default" scenario, and anything
// invalid is an InvalidConfig error (exit 104) naming the field.
import { parseDuration } from './duration.ts';
import { invalidConfig } from './errors.ts';

export type ExecutorName =
  | 'shared-iterations'
  | 'per-vu-iterations'
  | 'constant-vus'
  | 'ramping-vus'
  | 'constant-arrival-rate'
  | 'ramping-arrival-rate';

export interface Stage {
  durationMs: number;
  target: number;
}

export interface Scenario {
  name: string;
  executor: ExecutorName;
  exec: string;
  startTimeMs: number;
  gracefulStopMs: number;
  env: Record<string, string>;
  tags: Record<string, string>;
  // closed model
  vus: number;
  iterations: number;
  durationMs: number;
  maxDurationMs: number;
  startVUs: number;
  stages: Stage[];
  gracefulRampDownMs: number;
  // open model
  rate: number;
  startRate: number;
  timeUnitMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

export interface CliOverrides {
  vus?: number;
  durationMs?: number;
  iterations?: number;
}

export type Dict = Record<string, unknown>;

const EXECUTORS: ExecutorName[] = [
  'shared-iterations',
  'per-vu-iterations',
  'constant-vus',
  'ramping-vus',
  'constant-arrival-rate',
  'ramping-arrival-rate',
];

function int(v: unknown, what: string, min: number, dflt?: number): number {
  if (v === undefined || v === null) {
    if (dflt === undefined) throw invalidConfig(`${what} is required`);
    return dflt;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw invalidConfig(`${what} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function dur(v: unknown, what: string, dflt?: string): number {
  if (v === undefined || v === null) {
    if (dflt === undefined) throw invalidConfig(`${what} is required`);
    return parseDuration(dflt, what);
  }
  return parseDuration(v, what);
}

function strMap(v: unknown, what: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidConfig(`${what} must be an object of strings`);
  return Object.fromEntries(Object.entries(v as Dict).map(([k, x]) => [k, String(x)]));
}

function stages(v: unknown, what: string): Stage[] {
  if (!Array.isArray(v) || v.length === 0)
    throw invalidConfig(`${what} must be a non-empty array of {duration, target}`);
  return v.map((s: unknown, i) => {
    const o = (s ?? {}) as Dict;
    return {
      durationMs: dur(o['duration'], `${what}[${i}].duration`),
      target: int(o['target'], `${what}[${i}].target`, 0),
    };
  });
}

const KNOWN_FIELDS: Record<ExecutorName, string[]> = {
  'shared-iterations': ['vus', 'iterations', 'maxDuration'],
  'per-vu-iterations': ['vus', 'iterations', 'maxDuration'],
  'constant-vus': ['vus', 'duration'],
  'ramping-vus': ['startVUs', 'stages', 'gracefulRampDown'],
  'constant-arrival-rate': ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
  'ramping-arrival-rate': ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs'],
};
const COMMON_FIELDS = ['executor', 'startTime', 'gracefulStop', 'exec', 'env', 'tags', 'options'];

export function normalizeScenario(name: string, raw: Dict, exportNames: string[]): Scenario {
  const w = `scenarios.${name}`;
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) throw invalidConfig(`${w}: scenario names may use letters, digits, _ and - only`);
  const executor = raw['executor'] as ExecutorName;
  if (executor === ('externally-controlled' as ExecutorName)) {
    throw invalidConfig(`${w}.executor: externally-controlled is not supported by the node engine`);
  }
  if (!EXECUTORS.includes(executor)) {
    throw invalidConfig(`${w}.executor "${String(raw['executor'])}" is not one of ${EXECUTORS.join(', ')}`);
  }
  for (const field of Object.keys(raw)) {
    if (!COMMON_FIELDS.includes(field) && !KNOWN_FIELDS[executor].includes(field)) {
      throw invalidConfig(`${w}: field "${field}" is not valid for the ${executor} executor`);
    }
  }
  const exec = raw['exec'] === undefined ? 'default' : String(raw['exec']);
  if (!exportNames.includes(exec)) throw invalidConfig(`${w}.exec: the script exports no function "${exec}"`);
  const s: Scenario = {
    name,
    executor,
    exec,
    startTimeMs: dur(raw['startTime'], `${w}.startTime`, '0s'),
    gracefulStopMs: dur(raw['gracefulStop'], `${w}.gracefulStop`, '30s'),
    env: strMap(raw['env'], `${w}.env`),
    tags: strMap(raw['tags'], `${w}.tags`),
    vus: 0,
    iterations: 0,
    durationMs: 0,
    maxDurationMs: 0,
    startVUs: 0,
    stages: [],
    gracefulRampDownMs: 0,
    rate: 0,
    startRate: 0,
    timeUnitMs: 1000,
    preAllocatedVUs: 0,
    maxVUs: 0,
  };
  switch (executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
      s.vus = int(raw['vus'], `${w}.vus`, 1, 1);
      s.iterations = int(raw['iterations'], `${w}.iterations`, 1, 1);
      s.maxDurationMs = dur(raw['maxDuration'], `${w}.maxDuration`, '10m');
      if (executor === 'shared-iterations' && s.iterations < s.vus) s.vus = s.iterations;
      break;
    case 'constant-vus':
      s.vus = int(raw['vus'], `${w}.vus`, 1, 1);
      s.durationMs = dur(raw['duration'], `${w}.duration`);
      break;
    case 'ramping-vus':
      s.startVUs = int(raw['startVUs'], `${w}.startVUs`, 0, 1);
      s.stages = stages(raw['stages'], `${w}.stages`);
      s.gracefulRampDownMs = dur(raw['gracefulRampDown'], `${w}.gracefulRampDown`, '30s');
      s.vus = Math.max(s.startVUs, ...s.stages.map((x) => x.target));
      break;
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      s.timeUnitMs = dur(raw['timeUnit'], `${w}.timeUnit`, '1s');
      if (s.timeUnitMs <= 0) throw invalidConfig(`${w}.timeUnit must be above 0`);
      s.preAllocatedVUs = int(raw['preAllocatedVUs'], `${w}.preAllocatedVUs`, 0);
      s.maxVUs = int(raw['maxVUs'], `${w}.maxVUs`, 0, s.preAllocatedVUs);
      if (s.maxVUs < s.preAllocatedVUs) throw invalidConfig(`${w}.maxVUs must be >= preAllocatedVUs`);
      if (s.maxVUs === 0) throw invalidConfig(`${w}: preAllocatedVUs or maxVUs must be at least 1`);
      if (executor === 'constant-arrival-rate') {
        s.rate = int(raw['rate'], `${w}.rate`, 1);
        s.durationMs = dur(raw['duration'], `${w}.duration`);
      } else {
        s.startRate = int(raw['startRate'], `${w}.startRate`, 0, 0);
        s.stages = stages(raw['stages'], `${w}.stages`);
      }
      s.vus = s.maxVUs;
      break;
  }
  return s;
}

/** Scenarios from options + CLI, k6 style. */
export function resolveScenarios(options: Dict, cli: CliOverrides, exportNames: string[]): Scenario[] {
  const cliShortcut = cli.vus !== undefined || cli.durationMs !== undefined || cli.iterations !== undefined;
  const scenarios = options['scenarios'];
  if (!cliShortcut && scenarios !== undefined && scenarios !== null) {
    if (typeof scenarios !== 'object' || Array.isArray(scenarios))
      throw invalidConfig('options.scenarios must be an object');
    const entries = Object.entries(scenarios as Dict);
    if (entries.length === 0) throw invalidConfig('options.scenarios is empty: define at least one scenario');
    return entries.map(([name, raw]) => normalizeScenario(name, (raw ?? {}) as Dict, exportNames));
  }
  const vus = cli.vus ?? (options['vus'] as number | undefined);
  const durationRaw = cli.durationMs ?? options['duration'];
  const iterations = cli.iterations ?? (options['iterations'] as number | undefined);
  const stagesRaw = cliShortcut ? undefined : options['stages'];
  if (!exportNames.includes('default')) {
    throw invalidConfig('the script exports no default function and defines no scenarios: nothing to run');
  }
  if (stagesRaw !== undefined && stagesRaw !== null) {
    if (durationRaw !== undefined || iterations !== undefined) {
      throw invalidConfig('options: use either stages or duration/iterations, not both (as in k6)');
    }
    return [
      normalizeScenario('default', { executor: 'ramping-vus', startVUs: vus ?? 1, stages: stagesRaw }, exportNames),
    ];
  }
  if (iterations !== undefined) {
    const raw: Dict = { executor: 'shared-iterations', vus: vus ?? 1, iterations };
    if (durationRaw !== undefined) raw['maxDuration'] = durationRaw;
    return [normalizeScenario('default', raw, exportNames)];
  }
  if (durationRaw !== undefined) {
    return [
      normalizeScenario('default', { executor: 'constant-vus', vus: vus ?? 1, duration: durationRaw }, exportNames),
    ];
  }
  return [normalizeScenario('default', { executor: 'shared-iterations', vus: 1, iterations: 1 }, exportNames)];
}

/** Time the scenario may run, including its graceful stop (used for the overall test deadline). */
/**
 * k6/http's options, which the sandbox runtime applies (maxRedirects to redirects, noCookiesReset to the VU's jar):
 * checked here, before any VU runs, so a bad one is exit 104 naming it, as in k6.
 */
export function checkHttpOptions(options: Dict): void {
  const max = options['maxRedirects'];
  if (max !== undefined && max !== null && !(typeof max === 'number' && Number.isInteger(max) && max >= 0)) {
    throw invalidConfig(`options.maxRedirects must be a whole number >= 0, got ${JSON.stringify(max)}`);
  }
  const keep = options['noCookiesReset'];
  if (keep !== undefined && keep !== null && typeof keep !== 'boolean') {
    throw invalidConfig(`options.noCookiesReset must be true or false, got ${JSON.stringify(keep)}`);
  }
}

export function scenarioSpanMs(s: Scenario): number {
  const stagesMs = s.stages.reduce((a, x) => a + x.durationMs, 0);
  switch (s.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
      return s.startTimeMs + s.maxDurationMs + s.gracefulStopMs;
    case 'constant-vus':
    case 'constant-arrival-rate':
      return s.startTimeMs + s.durationMs + s.gracefulStopMs;
    case 'ramping-vus':
      return s.startTimeMs + stagesMs + Math.max(s.gracefulStopMs, s.gracefulRampDownMs);
    case 'ramping-arrival-rate':
      return s.startTimeMs + stagesMs + s.gracefulStopMs;
  }
}
