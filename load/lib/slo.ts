// SLOs as data (config/slo.json) turned into k6 thresholds. Pure: the k6 script builds its `thresholds` option from
// `objectivesFor`, and Node (the CLI's SLO table, the release gate) reads the same objectives.
import { LoadInputError } from './input-error.ts';
import type { Profile } from './profiles.ts';
import { firstLine, isRecord, scheduledIterations } from './profiles.ts';
import { ofLogins } from '../../core/login-tags.ts';

export interface SloValues {
  /** p95 / p99 of http_req_duration for login requests, in ms (strictly below). */
  readonly loginP95Ms: number;
  readonly loginP99Ms: number;
  /** Share of login requests with an unexpected response (http_req_failed), strictly below. */
  readonly errorRateMax: number;
  /** Share of passing checks, at least. */
  readonly checksRateMin: number;
  /** Dropped iterations allowed, as a share of the scheduled iterations (0 = none). */
  readonly droppedIterationsShareMax: number;
  /** Minimum-samples guard: at least max(floor, share x scheduled) login requests, so an empty run never passes. */
  readonly minSamplesShare: number;
  readonly minSamplesFloor: number;
  /** Share of login responses that match the pinned contract (documented status, body schema), at least. */
  readonly contractOkRateMin: number;
  /** Share of successful logins whose session and identity belong to the account that logged in, at least. */
  readonly identityOkRateMin: number;
  /**
   * Optional: the lowest capacity (logins/s at which every SLO held, reports/load-report/capacity.ts) the release gate
   * accepts. Not a k6 threshold: it is found after the run, from the per-second series of a ramping profile.
   */
  readonly minCapacityRps?: number;
}

export interface SloFile {
  readonly defaults: SloValues;
  readonly profiles: ReadonlyMap<string, Partial<SloValues>>;
}

/** One threshold with what it means; `metric` and `expression` are k6 threshold syntax. */
export interface Objective {
  readonly id: string;
  readonly metric: string;
  readonly expression: string;
  readonly description: string;
  /** Breaking it stops a profile with abortOnFail (the min-samples guard never aborts: it fails at first). */
  readonly abortable: boolean;
}

export interface ObjectThreshold {
  threshold: string;
  abortOnFail: boolean;
  delayAbortEval?: string;
}

export const loginMetric = ofLogins('http_req_duration');
export const undocumentedStatusMetric = 'login_undocumented_status';
/** Rate over every login response: 1 when it matches the pinned contract (load/lib/login-contract.ts). */
export const contractOkMetric = 'login_contract_ok';
/** Rate over every 200 to a valid login: 1 when its session and identity are the account's own. */
export const identityOkMetric = 'login_identity_ok';

const keys: readonly (keyof SloValues)[] = [
  'loginP95Ms',
  'loginP99Ms',
  'errorRateMax',
  'checksRateMin',
  'droppedIterationsShareMax',
  'minSamplesShare',
  'minSamplesFloor',
  'contractOkRateMin',
  'identityOkRateMin',
  'minCapacityRps',
];
/** Keys a complete "defaults" object may leave out. */
const optionalKeys = new Set<keyof SloValues>(['minCapacityRps']);
const contractDefaults: Pick<SloValues, 'contractOkRateMin' | 'identityOkRateMin'> = {
  contractOkRateMin: 1,
  identityOkRateMin: 1,
};
const shareKeys = new Set<keyof SloValues>([
  'contractOkRateMin',
  'identityOkRateMin',
  'errorRateMax',
  'checksRateMin',
  'droppedIterationsShareMax',
  'minSamplesShare',
]);

export function parseSlo(text: string, source: string): SloFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LoadInputError(`${source} is not valid JSON: ${firstLine(error)}`);
  }
  if (!isRecord(data) || !isRecord(data.defaults)) {
    throw new LoadInputError(`${source} must be an object with a "defaults" object (${keys.join(', ')})`);
  }
  // SLO files written before the contract-under-load objectives get them at their strictest: one wrong body fails.
  const defaults = { ...contractDefaults, ...parseValues(data.defaults, `${source} defaults`, true) } as SloValues;
  const profiles = new Map<string, Partial<SloValues>>();
  const rawProfiles = data.profiles ?? {};
  if (!isRecord(rawProfiles)) throw new LoadInputError(`${source}: "profiles" must be an object`);
  for (const name of Object.keys(rawProfiles)) {
    profiles.set(name, parseValues(rawProfiles[name], `${source} profiles.${name}`, false));
  }
  return { defaults, profiles };
}

export function sloFor(slo: SloFile, profileName: string): SloValues {
  return { ...slo.defaults, ...slo.profiles.get(profileName) };
}

/** The objectives of one run: the SLO values of its profile, sized to the profile's schedule. */
export function objectivesFor(slo: SloFile, profile: Profile): Objective[] {
  const v = sloFor(slo, profile.name);
  const scheduled = scheduledIterations(profile);
  const minSamples = Math.max(v.minSamplesFloor, Math.floor(v.minSamplesShare * scheduled));
  const droppedMax = Math.floor(v.droppedIterationsShareMax * scheduled);
  return [
    {
      id: 'latency-p95',
      metric: loginMetric,
      expression: `p(95)<${v.loginP95Ms}`,
      description: `95% of logins complete in under ${v.loginP95Ms} ms`,
      abortable: true,
    },
    {
      id: 'latency-p99',
      metric: loginMetric,
      expression: `p(99)<${v.loginP99Ms}`,
      description: `99% of logins complete in under ${v.loginP99Ms} ms`,
      abortable: true,
    },
    {
      id: 'error-rate',
      metric: ofLogins('http_req_failed'),
      expression: `rate<${v.errorRateMax}`,
      description: `under ${percent(v.errorRateMax)} of logins get an unexpected response (not 200; 401 if the password was wrong on purpose)`,
      abortable: true,
    },
    {
      id: 'checks',
      metric: 'checks',
      expression: `rate>=${v.checksRateMin}`,
      description: `at least ${percent(v.checksRateMin)} of response checks pass`,
      abortable: true,
    },
    {
      id: 'undocumented-status',
      metric: undocumentedStatusMetric,
      expression: 'rate==0',
      description: 'no response has a status the contract does not document (200, 400, 401, 502)',
      abortable: true,
    },
    {
      id: 'contract',
      metric: contractOkMetric,
      expression: `rate>=${v.contractOkRateMin}`,
      description: `${atLeast(v.contractOkRateMin)} login responses match the pinned contract (a documented status, the body schema for it)`,
      abortable: true,
    },
    {
      id: 'identity',
      metric: identityOkMetric,
      expression: `rate>=${v.identityOkRateMin}`,
      description: `${atLeast(v.identityOkRateMin)} successful logins return the session and identity of the account that logged in`,
      abortable: true,
    },
    {
      id: 'dropped-iterations',
      metric: 'dropped_iterations',
      expression: `count<=${droppedMax}`,
      description: `at most ${droppedMax} scheduled logins dropped for want of a free VU (${percent(v.droppedIterationsShareMax)} of ${scheduled})`,
      abortable: false,
    },
    {
      id: 'min-samples',
      metric: ofLogins('http_reqs'),
      expression: `count>=${minSamples}`,
      description: `at least ${minSamples} login requests were measured, so an empty or stalled run cannot pass`,
      abortable: false,
    },
  ];
}

/** k6's `thresholds` option; with abortOnFail the abortable objectives use the object form. */
export function toK6Thresholds(
  objectives: readonly Objective[],
  profile: Profile,
): { [metric: string]: (string | ObjectThreshold)[] } {
  const thresholds: { [metric: string]: (string | ObjectThreshold)[] } = {};
  for (const o of objectives) {
    const list = thresholds[o.metric] ?? (thresholds[o.metric] = []);
    if (profile.abortOnFail && o.abortable) {
      const t: ObjectThreshold = { threshold: o.expression, abortOnFail: true };
      if (profile.delayAbortEval !== undefined) t.delayAbortEval = profile.delayAbortEval;
      list.push(t);
    } else {
      list.push(o.expression);
    }
  }
  return thresholds;
}

function parseValues(raw: unknown, where: string, complete: boolean): Partial<SloValues> {
  if (!isRecord(raw)) throw new LoadInputError(`${where} must be an object`);
  const values: { -readonly [K in keyof SloValues]?: number } = {};
  for (const key of Object.keys(raw)) {
    if (!(keys as readonly string[]).includes(key)) {
      throw new LoadInputError(`${where}: unknown key "${key}" (known: ${keys.join(', ')})`);
    }
  }
  for (const key of keys) {
    const value = raw[key];
    if (value === undefined) {
      if (complete && !(key in contractDefaults) && !optionalKeys.has(key))
        throw new LoadInputError(`${where}: "${key}" is missing`);
      continue;
    }
    const max = shareKeys.has(key) ? 1 : 600_000;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
      throw new LoadInputError(`${where}: "${key}" must be a number from 0 to ${max}`);
    }
    values[key] = value;
  }
  if (values.minSamplesFloor !== undefined && values.minSamplesFloor < 1) {
    throw new LoadInputError(`${where}: "minSamplesFloor" must be at least 1 (an empty run must never pass)`);
  }
  return values;
}

/** "all" for a share of 1 (one failure fails), else "at least N% of". */
function atLeast(share: number): string {
  return share >= 1 ? 'all' : `at least ${percent(share)} of`;
}

function percent(share: number): string {
  return `${Math.round(share * 10_000) / 100}%`;
}
