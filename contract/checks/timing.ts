// SEC-NO-ENUMERATION-TIMING: does the 401 latency tell an unknown identifier from a wrong password? A real target sits
// behind a jittery network, so medians and a ratio are not enough: samples are compared with a rank test
// (Mann–Whitney U, normal approximation) for "is there a difference at all", and the Hodges–Lehmann shift (median of
// all pairwise differences) for "how large". A finding needs both: p < alpha AND a shift above minShiftMs — a
// difference of a millisecond or two (a log line, a cache) is not an enumeration finding; a skipped password hash is
// 12–20 ms even at the fastest OWASP argon2id cost on this machine (bcrypt 10: 50+ ms), so the floor sits at 5 ms,
// well under the smallest real defect (at 10 ms it missed the reference's defect in ~1 run of 20). Samples come in batches of interleaved pairs; the test stops early
// when the answer is clear — a finding, or a confidence interval of the shift inside ±minShiftMs (a quiet target
// passes after one batch; a jittery one needs more) — and takes more only when it is not (at most maxBatches looks,
// each at alpha, so the false alarm rate stays under maxBatches × alpha).
import { result } from './result.ts';
import type { CheckResult } from './result.ts';

export const timingThresholds = {
  alpha: 0.001,
  minShiftMs: 5,
  /** Confidence of the shift's interval: inside ±minShiftMs means "no difference that matters", stop and pass. */
  intervalConfidence: 0.9,
  pairsPerBatch: 12,
  maxBatches: 6,
  warmUpPairs: 2,
} as const;

export interface TimingComparison {
  readonly samples: number;
  readonly medianUnknownMs: number;
  readonly medianWrongPasswordMs: number;
  /** Hodges–Lehmann estimate of (wrong password − unknown identifier), ms: positive when unknown answers faster. */
  readonly shiftMs: number;
  /** Two-sided p-value of the Mann–Whitney U test. */
  readonly p: number;
  /** Distribution-free confidence interval of the shift (Moses), at intervalConfidence. */
  readonly shiftIntervalMs: readonly [number, number];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function compareTimings(
  unknownMs: readonly number[],
  wrongPasswordMs: readonly number[],
  confidence: number = timingThresholds.intervalConfidence,
): TimingComparison {
  const differences = wrongPasswordMs.flatMap((w) => unknownMs.map((u) => w - u)).sort((x, y) => x - y);
  // Moses: the interval runs from the k-th smallest to the k-th largest pairwise difference.
  const n1 = unknownMs.length;
  const n2 = wrongPasswordMs.length;
  const z = quantileForConfidence(confidence);
  const k = Math.max(0, Math.floor((n1 * n2) / 2 - z * Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12)));
  return {
    samples: Math.min(n1, n2),
    medianUnknownMs: median(unknownMs),
    medianWrongPasswordMs: median(wrongPasswordMs),
    shiftMs: median(differences),
    p: mannWhitneyP(unknownMs, wrongPasswordMs),
    shiftIntervalMs: [differences[k] ?? Number.NaN, differences[differences.length - 1 - k] ?? Number.NaN],
  };
}

/** Two-sided normal quantile for the confidences used here (no inverse-erf in the standard library). */
function quantileForConfidence(confidence: number): number {
  const table: Record<string, number> = { '0.8': 1.2816, '0.9': 1.6449, '0.95': 1.96, '0.99': 2.5758 };
  const z = table[String(confidence)];
  if (z === undefined) throw new Error(`unsupported interval confidence ${confidence} (use 0.8, 0.9, 0.95 or 0.99)`);
  return z;
}

/** `distinguishable` = a finding; `inconclusive` = take another batch (or, after the last, no finding). */
export function timingDecision(
  c: TimingComparison,
  thresholds = timingThresholds,
): 'indistinguishable' | 'distinguishable' | 'inconclusive' {
  if (c.p < thresholds.alpha && Math.abs(c.shiftMs) > thresholds.minShiftMs) return 'distinguishable';
  const [low, high] = c.shiftIntervalMs;
  if (low > -thresholds.minShiftMs && high < thresholds.minShiftMs) return 'indistinguishable';
  return 'inconclusive';
}

/** SEC-NO-ENUMERATION-TIMING on all the samples taken: a finding only when significant and large. */
export function rejectionTimingsAreIndistinguishable(
  unknownMs: readonly number[],
  wrongPasswordMs: readonly number[],
  thresholds = timingThresholds,
): CheckResult {
  const problems: string[] = [];
  if (unknownMs.length < 8 || wrongPasswordMs.length < 8) {
    problems.push('too few samples to compare (need 8 of each)');
  } else {
    const c = compareTimings(unknownMs, wrongPasswordMs);
    if (timingDecision(c, thresholds) === 'distinguishable') {
      const faster = c.shiftMs > 0 ? 'unknown identifier' : 'wrong password';
      problems.push(
        `${faster} answers faster by ${Math.abs(c.shiftMs).toFixed(1)} ms (Hodges–Lehmann shift > ${thresholds.minShiftMs} ms; Mann–Whitney p = ${c.p.toExponential(1)} < ${thresholds.alpha}; medians ${c.medianUnknownMs.toFixed(1)} ms unknown identifier vs ${c.medianWrongPasswordMs.toFixed(1)} ms wrong password, ${c.samples} samples each)`,
      );
    }
  }
  return result('SEC-NO-ENUMERATION-TIMING', 'rejectionTimingsAreIndistinguishable', problems);
}

/** Two-sided p of the Mann–Whitney U test, normal approximation with tie correction (fine from ~8 per side). */
export function mannWhitneyP(a: readonly number[], b: readonly number[]): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return 1;
  const all = [...a.map((v) => ({ v, first: true })), ...b.map((v) => ({ v, first: false }))].sort((x, y) => x.v - y.v);
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]?.v === all[i]?.v) j += 1;
    const rank = (i + j) / 2 + 1;
    const tied = j - i + 1;
    tieTerm += tied ** 3 - tied;
    for (let k = i; k <= j; k++) if (all[k]?.first) rankSumA += rank;
    i = j + 1;
  }
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return 1;
  const z = (Math.abs(u - (n1 * n2) / 2) - 0.5) / Math.sqrt(variance);
  return Math.min(1, 2 * normalTail(Math.max(0, z)));
}

/** P(Z > z) for a standard normal (Abramowitz–Stegun 7.1.26 on erfc; error < 1.5e-7). */
function normalTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return (poly * Math.exp(-x * x)) / 2;
}
