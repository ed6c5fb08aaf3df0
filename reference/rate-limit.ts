// Per-client rate limit, as gateways and identity providers put in front of login endpoints: a token bucket per
// client address, capacity N refilled at N per second (a burst of N, then N/s sustained). Only the arithmetic lives
// here (the clock injected, so tests step through time); app.ts answers 429 with Retry-After.

export interface RateLimiter {
  /** Take one request's token for `client`: 0 when allowed, else whole seconds (>= 1) until one is back. */
  take(client: string): number;
}

interface Bucket {
  tokens: number;
  /** Epoch ms of the last refill. */
  at: number;
}

// Beyond this many clients, buckets that are full again (idle long enough) are dropped: the map stays bounded
// however many addresses a load run uses, and a full bucket is the same as none.
const PRUNE_ABOVE = 10_000;

export function createRateLimiter(perSecond: number, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const refilled = (bucket: Bucket, t: number): number =>
    Math.min(perSecond, bucket.tokens + ((t - bucket.at) / 1000) * perSecond);

  return {
    take(client) {
      const t = now();
      const bucket = buckets.get(client);
      const tokens = bucket === undefined ? perSecond : refilled(bucket, t);
      if (bucket === undefined && buckets.size >= PRUNE_ABOVE) {
        for (const [key, b] of buckets) if (refilled(b, t) >= perSecond) buckets.delete(key);
      }
      if (tokens >= 1) {
        buckets.set(client, { tokens: tokens - 1, at: t });
        return 0;
      }
      buckets.set(client, { tokens, at: t });
      return Math.max(1, Math.ceil((1 - tokens) / perSecond));
    },
  };
}
