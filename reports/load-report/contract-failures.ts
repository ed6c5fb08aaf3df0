// The contract under load, as the load report shows it: how many login responses broke the pinned contract or
// carried another account's identity, when (per time bucket), and the first few examples with what was wrong and a
// redacted excerpt of the body. The k6 side (load/lib/login.ts) adds one sample per response to login_contract_ok /
// login_identity_ok and tags the first few failures of each VU with `problem` and `body`; only failing samples are
// read here (RunAggregator skips the passing ones unparsed), so the cost is per failure, not per request.
import { redactText } from '../../core/redact.ts';
import { contractOkMetric, identityOkMetric } from '../../load/lib/slo.ts';

export const contractMetrics: readonly string[] = [contractOkMetric, identityOkMetric];

/** Examples kept across the run (the k6 side tags at most a few per VU; many VUs would still be too many to show). */
const MAX_EXAMPLES = 10;
/** The failure timeline is as coarse as needed to stay at most this long. */
const MAX_BUCKETS = 120;

export interface ContractFailureExample {
  readonly metric: string;
  /** ms since the epoch. */
  readonly atMs: number;
  readonly status: string;
  readonly problem: string;
  /** Redacted by the k6 side, and again here: an excerpt never carries a token. */
  readonly body: string;
}

export interface ContractFailures {
  /** Failing samples per metric (the passing ones are in the thresholds' observed rate). */
  readonly failures: Record<string, number>;
  readonly firstMs: number | null;
  readonly lastMs: number | null;
  /** Failures per bucket: [bucket start ms, count per metric]. */
  readonly timeline: { readonly bucketSeconds: number; readonly points: [number, Record<string, number>][] };
  readonly examples: ContractFailureExample[];
}

export class ContractFailureCollector {
  private readonly failures = new Map<string, number>();
  private buckets = new Map<number, Map<string, number>>();
  private bucketSeconds = 1;
  private readonly examples: ContractFailureExample[] = [];
  private firstMs = Infinity;
  private lastMs = -Infinity;

  /** One sample of a contract metric (value 0 = a failure; others are ignored). */
  add(metric: string, atMs: number, value: number, tags: Record<string, unknown> | null | undefined): void {
    if (value !== 0) return;
    this.failures.set(metric, (this.failures.get(metric) ?? 0) + 1);
    this.firstMs = Math.min(this.firstMs, atMs);
    this.lastMs = Math.max(this.lastMs, atMs);
    this.count(metric, atMs);
    const problem = tags?.problem;
    if (typeof problem === 'string' && this.examples.length < MAX_EXAMPLES) {
      this.examples.push({
        metric,
        atMs,
        status: String(tags?.status ?? ''),
        problem,
        body: typeof tags?.body === 'string' ? redactText(tags.body) : '',
      });
    }
  }

  result(): ContractFailures {
    const points = [...this.buckets]
      .sort((a, b) => a[0] - b[0])
      .map(([key, counts]): [number, Record<string, number>] => [
        key * this.bucketSeconds * 1000,
        Object.fromEntries(counts),
      ]);
    return {
      failures: Object.fromEntries(contractMetrics.map((m) => [m, this.failures.get(m) ?? 0])),
      firstMs: Number.isFinite(this.firstMs) ? this.firstMs : null,
      lastMs: Number.isFinite(this.lastMs) ? this.lastMs : null,
      timeline: { bucketSeconds: this.bucketSeconds, points },
      examples: [...this.examples].sort((a, b) => a.atMs - b.atMs),
    };
  }

  private count(metric: string, atMs: number): void {
    const key = Math.floor(atMs / (this.bucketSeconds * 1000));
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) {
        this.coarsen();
        this.count(metric, atMs);
        return;
      }
      bucket = new Map();
      this.buckets.set(key, bucket);
    }
    bucket.set(metric, (bucket.get(metric) ?? 0) + 1);
  }

  private coarsen(): void {
    const merged = new Map<number, Map<string, number>>();
    for (const [key, counts] of this.buckets) {
      const target = merged.get(Math.floor(key / 2)) ?? new Map<string, number>();
      for (const [m, n] of counts) target.set(m, (target.get(m) ?? 0) + n);
      merged.set(Math.floor(key / 2), target);
    }
    this.buckets = merged;
    this.bucketSeconds *= 2;
  }
}
