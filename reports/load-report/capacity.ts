// Capacity of the target from a ramping (breakpoint or stress) run: the highest arrival rate at which every SLO held,
// an interval for where the SLOs stop holding, and the knee where latency departs from its low-rate baseline. Pure:
// it reads a per-second series (capacity-series.ts builds it from the metrics stream) and returns plain data that
// goes into analysis.json, so the report, the review and the gate never recompute it.
//
// How it is judged (docs: reports/README.md, "Capacity"):
// - Seconds. Each login is counted in the second it STARTED (its end time minus its duration): in an open model the
//   rate that matters is the arrival rate, and a slow response belongs to the load that caused it. Dropped
//   iterations (no free VU) count in the second they were dropped. The first `warmupSeconds` are left out (JIT,
//   connection set-up), and so is any ramp-down (it carries the backlog of an overload, not its own rate).
// - Steps. Seconds are grouped by their offered rate (from the schedule) into bins `resolutionRps` wide. A step is
//   judged when it saw at least `minArrivalsPerStep` arrivals; it HOLDS when, over all its seconds together,
//   p95 < loginP95Ms, p99 < loginP99Ms (k6's percentile), KO share < errorRateMax and dropped / arrivals <=
//   droppedIterationsShareMax: the run's own SLO values, judged per step instead of over the whole run.
//   Checks, contract and identity rates are correctness objectives, judged over the run by the thresholds.
// - Break. The lowest judged step that fails together with the next judged step (or that fails and is the last): a
//   single failed step followed by a held one is a blip (a GC pause, a noisy neighbour), listed but not a break.
// - Capacity. The rate of the highest held step below the break ('measured'). No break: every step held, so the
//   capacity is at least the highest rate tested ('not-reached': a lower bound, never an invented number). A break
//   at the lowest judged step: 'below-range' (below the lowest rate tested).
// - Interval. The true boundary lies between the capacity step and the break step (the rate resolution), and
//   sampling noise can move either. Bootstrap: each step's seconds are resampled with replacement (seconds, not
//   requests, are the unit: requests of one second share its conditions), every step re-judged, capacity and break
//   found again; low = 2.5th percentile of the capacities, high = 97.5th percentile of the break rates. So the
//   interval is never narrower than the resolution, and it widens when steps near the boundary are marginal.
//   Seeded, so the same run always gives the same interval.
// - Knee. Baseline = median p95 of the judged steps in the lowest quarter of the rates tested; the knee is the first
//   step whose p95 exceeds kneeFactor x baseline (and baseline + kneeMinDeltaMs) and stays above it at the next step.
import { percentile } from '../../load/lib/percentile.ts';

/** Profiles whose report computes the capacity (any other profile does when its SLO sets minCapacityRps). */
export const capacityProfiles: readonly string[] = ['breakpoint', 'stress'];

export interface SecondSample {
  /** Start of the second (epoch ms). */
  t: number;
  /** Arrivals the schedule offered in this second (logins per second). */
  rate: number;
  /** Latencies (ms) of the logins that started in this second. */
  latencies: ArrayLike<number>;
  /** Of those, the ones with an unexpected response (http_req_failed). */
  ko: number;
  /** Iterations dropped in this second for want of a free VU. */
  dropped: number;
}

export interface CapacitySlo {
  loginP95Ms: number;
  loginP99Ms: number;
  errorRateMax: number;
  droppedIterationsShareMax: number;
}

export interface CapacityOptions {
  warmupSeconds?: number;
  /** Width of a rate step; default ceil(max rate / 25), at least 1. */
  resolutionRps?: number;
  minArrivalsPerStep?: number;
  kneeFactor?: number;
  kneeMinDeltaMs?: number;
  bootstrapRounds?: number;
  seed?: number;
}

export interface CapacityStep {
  /** Bin of offered rates [from, to). */
  from: number;
  to: number;
  /** Mean offered rate of its seconds. */
  rate: number;
  seconds: number;
  requests: number;
  ko: number;
  dropped: number;
  p50: number;
  p95: number;
  p99: number;
  judged: boolean;
  held: boolean;
  /** Why it failed, e.g. "p95 612 ms >= 500 ms"; empty when it held or was not judged. */
  breaches: string[];
}

export interface CapacityResult {
  status: 'measured' | 'not-reached' | 'below-range' | 'unavailable';
  /** measured: highest held rate below the break; not-reached: the highest rate tested (a lower bound); else NaN. */
  capacityRps: number;
  /** First rate of the sustained break; NaN when the SLOs never broke. */
  breakRps: number;
  /** 95 % bootstrap interval of the boundary; high is NaN (open) when it was not reached in most resamples. */
  ci: { low: number; high: number; rounds: number };
  knee: { rps: number; p95Ms: number; baselineP95Ms: number } | undefined;
  minTestedRps: number;
  maxTestedRps: number;
  resolutionRps: number;
  warmupSeconds: number;
  /** Rates of failed steps below the break that were followed by a held step. */
  blips: number[];
  steps: CapacityStep[];
  /** One line for people: the figure and what it means. */
  summary: string;
  /**
   * Set when only dropped iterations broke the SLOs while latency stayed near its baseline: the load generator
   * (its VUs or its CPU) may have been the limit, not the target, so the figure is a lower bound for the target.
   */
  note?: string;
}

const defaults = {
  warmupSeconds: 10,
  minArrivalsPerStep: 20,
  kneeFactor: 2,
  kneeMinDeltaMs: 10,
  bootstrapRounds: 400,
  seed: 20261204,
};

export function unavailableCapacity(reason: string): CapacityResult {
  return {
    status: 'unavailable',
    capacityRps: NaN,
    breakRps: NaN,
    ci: { low: NaN, high: NaN, rounds: 0 },
    knee: undefined,
    minTestedRps: NaN,
    maxTestedRps: NaN,
    resolutionRps: NaN,
    warmupSeconds: NaN,
    blips: [],
    steps: [],
    summary: `capacity not computed: ${reason}`,
  };
}

/** A step's seconds, kept for the bootstrap: their latencies pooled and sorted descending, with their second. */
interface Pool {
  seconds: SecondSample[];
  values: Float64Array;
  owner: Int32Array;
  ascending: Float64Array;
}

export function computeCapacity(
  series: readonly SecondSample[],
  slo: CapacitySlo,
  o: CapacityOptions = {},
): CapacityResult {
  const opt = { ...defaults, ...o };
  const first = series[0]?.t ?? 0;
  const kept = series.filter((s) => s.t - first >= opt.warmupSeconds * 1000 && s.rate > 0);
  if (kept.length === 0) return unavailableCapacity('no second with an offered rate after the warm-up');
  const maxRate = Math.max(...kept.map((s) => s.rate));
  const width = o.resolutionRps ?? Math.max(1, Math.ceil(maxRate / 25));
  const bins = new Map<number, SecondSample[]>();
  for (const s of kept) {
    const k = Math.floor(s.rate / width);
    const bin = bins.get(k);
    if (bin === undefined) bins.set(k, [s]);
    else bin.push(s);
  }
  const pools = [...bins].sort((a, b) => a[0] - b[0]).map(([k, secs]) => ({ k, pool: poolOf(secs) }));
  const steps = pools.map(({ k, pool }) => judge(k, width, pool, undefined, slo, opt.minArrivalsPerStep));
  const judged = steps.filter((s) => s.judged);
  if (judged.length === 0) {
    return unavailableCapacity(`no rate step saw ${opt.minArrivalsPerStep} arrivals after the warm-up`);
  }
  const found = boundary(judged.map((s) => s.held));
  const rates = judged.map((s) => s.rate);
  const lower = (f: Boundary): number => (f.capacity >= 0 ? (rates[f.capacity] ?? NaN) : f.broke ? 0 : NaN); // replicate view
  const upper = (f: Boundary): number => (f.broke ? (rates[f.brk] ?? NaN) : Infinity);

  // Bootstrap: re-judge every judged step on its resampled seconds, find the boundary again.
  const random = mulberry32(opt.seed);
  const judgedPools = pools.filter((_, i) => steps[i]?.judged);
  const lows: number[] = [];
  const highs: number[] = [];
  for (let r = 0; r < opt.bootstrapRounds; r++) {
    const held = judgedPools.map(({ k, pool }) => {
      const weights = new Int32Array(pool.seconds.length);
      for (let i = 0; i < pool.seconds.length; i++) weights[Math.floor(random() * pool.seconds.length)]! += 1;
      return judge(k, width, pool, weights, slo, 0).held;
    });
    const f = boundary(held);
    lows.push(lower(f));
    highs.push(upper(f));
  }
  const ciLow = quantile(lows, 2.5);
  const ciHigh = quantile(highs, 97.5);
  const blips = judged.filter((s, i) => !s.held && i < (found.broke ? found.brk : judged.length)).map((s) => s.rate);
  const base = {
    breakRps: found.broke ? (rates[found.brk] ?? NaN) : NaN,
    ci: { low: ciLow, high: Number.isFinite(ciHigh) ? ciHigh : NaN, rounds: opt.bootstrapRounds },
    knee: kneeOf(judged, opt.kneeFactor, opt.kneeMinDeltaMs),
    minTestedRps: rates[0] ?? NaN,
    maxTestedRps: rates.at(-1) ?? NaN,
    resolutionRps: width,
    warmupSeconds: opt.warmupSeconds,
    blips,
    steps,
  };
  const brokeAt = found.broke ? judged[found.brk] : undefined;
  const generatorBound =
    brokeAt !== undefined &&
    brokeAt.breaches.every((b) => b.startsWith('dropped')) &&
    !(brokeAt.p95 > opt.kneeFactor * (base.knee?.baselineP95Ms ?? baselineP95(judged)));
  const note = generatorBound
    ? 'only dropped iterations broke the SLOs while latency stayed near its low-rate baseline: the load generator (its VUs or its CPU) may have been the limit, so read the capacity as a lower bound for the target'
    : undefined;
  const r1 = (n: number): string => String(Math.round(n * 10) / 10);
  const ciText = `95 % interval ${r1(ciLow)}–${Number.isFinite(ciHigh) ? r1(ciHigh) : 'open'} logins/s`;
  const withNote = (r: CapacityResult): CapacityResult => (note === undefined ? r : { ...r, note });
  if (!found.broke) {
    return {
      ...base,
      status: 'not-reached',
      capacityRps: base.maxTestedRps,
      summary: `at least ${r1(base.maxTestedRps)} logins/s: every SLO held up to the highest rate tested (the run never broke)`,
    };
  }
  if (found.capacity < 0) {
    return {
      ...base,
      status: 'below-range',
      capacityRps: NaN,
      summary: `below ${r1(base.minTestedRps)} logins/s: the SLOs broke from the lowest rate tested (${ciText})`,
    };
  }
  const capacityRps = rates[found.capacity] ?? NaN;
  return withNote({
    ...base,
    status: 'measured',
    capacityRps,
    summary: `${r1(capacityRps)} logins/s (${ciText}; SLOs broke from ${r1(base.breakRps)} logins/s)`,
  });
}

interface Boundary {
  broke: boolean;
  /** Index of the first step of the sustained break (when broke). */
  brk: number;
  /** Index of the highest held step below the break (or the last step when not broke); -1 if none. */
  capacity: number;
}

/** The break: the first failed step whose next step fails too (or that is the last); capacity just below it. */
export function boundary(held: readonly boolean[]): Boundary {
  const n = held.length;
  const brk = held.findIndex((h, i) => !h && (i === n - 1 || !held[i + 1]));
  if (brk < 0) {
    let last = n - 1;
    while (last >= 0 && !held[last]) last--;
    return { broke: false, brk: -1, capacity: last };
  }
  let capacity = brk - 1;
  while (capacity >= 0 && !held[capacity]) capacity--;
  return { broke: true, brk, capacity };
}

function poolOf(seconds: SecondSample[]): Pool {
  // Typed arrays and an index sort, not [value, second] pairs: a long plateau puts a million latencies in one step.
  const total = seconds.reduce((n, s) => n + s.latencies.length, 0);
  const raw = new Float64Array(total);
  const from = new Int32Array(total);
  let j = 0;
  seconds.forEach((s, i) => {
    for (let x = 0; x < s.latencies.length; x++, j++) {
      raw[j] = s.latencies[x] ?? NaN;
      from[j] = i;
    }
  });
  const order = Uint32Array.from({ length: total }, (_, i) => i).sort((a, b) => (raw[b] ?? 0) - (raw[a] ?? 0));
  const values = Float64Array.from(order, (i) => raw[i] ?? NaN);
  const owner = Int32Array.from(order, (i) => from[i] ?? 0);
  return { seconds, values, owner, ascending: values.slice().reverse() };
}

/** Judges one step; `weights` (how often each second was drawn) for a bootstrap replicate, undefined for the run. */
function judge(
  k: number,
  width: number,
  pool: Pool,
  weights: Int32Array | undefined,
  slo: CapacitySlo,
  minArrivals: number,
): CapacityStep {
  const w = (i: number): number => (weights === undefined ? 1 : (weights[i] ?? 0));
  let seconds = 0;
  let rateSum = 0;
  let ko = 0;
  let dropped = 0;
  pool.seconds.forEach((s, i) => {
    seconds += w(i);
    rateSum += w(i) * s.rate;
    ko += w(i) * s.ko;
    dropped += w(i) * s.dropped;
  });
  const requests = pool.seconds.reduce((n, s, i) => n + w(i) * s.latencies.length, 0);
  const pct = (p: number): number =>
    weights === undefined ? percentile(pool.ascending, p) : weightedPercentile(pool, weights, requests, p);
  const p95 = pct(95);
  const p99 = pct(99);
  const arrivals = requests + dropped;
  const judged = arrivals >= minArrivals && arrivals > 0;
  const breaches: string[] = [];
  if (judged) {
    const ms = (v: number): string => `${Math.round(v)} ms`;
    if (requests === 0) breaches.push('no login completed');
    if (!(p95 < slo.loginP95Ms) && requests > 0) breaches.push(`p95 ${ms(p95)} >= ${slo.loginP95Ms} ms`);
    if (!(p99 < slo.loginP99Ms) && requests > 0) breaches.push(`p99 ${ms(p99)} >= ${slo.loginP99Ms} ms`);
    const errorRate = requests > 0 ? ko / requests : 0;
    if (!(errorRate < slo.errorRateMax) && requests > 0)
      breaches.push(`KO ${pct1(errorRate)} >= ${pct1(slo.errorRateMax)}`);
    const droppedShare = dropped / arrivals;
    if (droppedShare > slo.droppedIterationsShareMax) {
      breaches.push(`dropped ${pct1(droppedShare)} > ${pct1(slo.droppedIterationsShareMax)}`);
    }
  }
  return {
    from: k * width,
    to: (k + 1) * width,
    rate: seconds > 0 ? rateSum / seconds : NaN,
    seconds,
    requests,
    ko,
    dropped,
    p50: weights === undefined ? percentile(pool.ascending, 50) : NaN,
    p95,
    p99,
    judged,
    held: judged && breaches.length === 0,
    breaches,
  };
}

function pct1(share: number): string {
  return `${Math.round(share * 1000) / 10} %`;
}

/**
 * k6's percentile of the resampled multiset (each latency counted as often as its second was drawn), walking the
 * descending pool from the top: p95 and p99 need only the slowest 5 % of it.
 */
function weightedPercentile(pool: Pool, weights: Int32Array, n: number, p: number): number {
  if (n === 0) return NaN;
  const rank = ((n - 1) * p) / 100;
  const lo = Math.floor(rank);
  const frac = rank - lo;
  const at = (r: number): number => {
    // Ascending rank r is descending position n - 1 - r.
    const target = n - 1 - r;
    let seen = 0;
    for (let j = 0; j < pool.values.length; j++) {
      seen += weights[pool.owner[j] ?? 0] ?? 0;
      if (seen > target) return pool.values[j] ?? NaN;
    }
    return NaN;
  };
  const low = at(lo);
  return frac === 0 ? low : low + (at(Math.min(lo + 1, n - 1)) - low) * frac;
}

/** Median p95 of the judged steps in the lowest quarter of the rates tested (the first step at least). */
function baselineP95(judged: CapacityStep[]): number {
  const first = judged[0]?.rate ?? NaN;
  const lowRange = first + ((judged.at(-1)?.rate ?? first) - first) / 4;
  return quantile(
    judged.filter((s, i) => i === 0 || s.rate <= lowRange).map((s) => s.p95),
    50,
  );
}

function kneeOf(judged: CapacityStep[], factor: number, minDelta: number): CapacityResult['knee'] {
  const baseline = baselineP95(judged);
  const above = (s: CapacityStep | undefined): boolean =>
    s !== undefined && s.p95 > factor * baseline && s.p95 - baseline > minDelta;
  const i = judged.findIndex((s, j) => above(s) && (j === judged.length - 1 || above(judged[j + 1])));
  const knee = judged[i];
  return knee === undefined ? undefined : { rps: knee.rate, p95Ms: knee.p95, baselineP95Ms: baseline };
}

/** Linear-interpolation quantile (k6's definition), p in [0, 100]; Infinity values sort last. */
function quantile(values: number[], p: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const h = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(h);
  const a = sorted[lo] ?? NaN;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] ?? NaN;
  return h === lo || a === b ? a : a + (b - a) * (h - lo);
}

/** A small seeded PRNG (mulberry32): the same run always gets the same interval. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
