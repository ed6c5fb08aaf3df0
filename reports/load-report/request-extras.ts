// What the load report shows beyond k6's usual figures, collected while the stream is read once (aggregate.ts calls
// in here): requests split by a tag (e.g. `credential` = valid / wrong: a login must cost the same either way, or its
// timing tells an attacker which passwords are right), and dropped iterations over time (the open model's
// saturation signal: an arrival found no free VU). Memory is bounded: a few tag values, and at most maxBuckets time
// buckets whose width doubles as the run grows, like the timeline's.
import { CREDENTIAL_TAG } from '../../core/login-tags.ts';
import { Distribution } from '../lib/distribution.ts';

/** Tags whose values split the requests in the report; the load script sets `credential` on every login. */
export const splitTags = [CREDENTIAL_TAG] as const;
const MAX_VALUES = 20;

export interface TagGroup {
  all: Distribution;
  ok: number;
  ko: number;
}

export class RequestExtras {
  /** `credential=valid` -> the requests with that tag value. */
  readonly byTag = new Map<string, TagGroup>();
  /** Dropped iterations per time bucket of `droppedSeconds` seconds (bucket key = floor(time / width)). */
  dropped = new Map<number, number>();
  droppedSeconds = 1;

  constructor(private readonly maxBuckets = 1200) {}

  request(tags: Record<string, unknown> | null | undefined, duration: number, ok: boolean): void {
    for (const tag of splitTags) {
      const value = tags?.[tag];
      if (typeof value !== 'string' || value === '') continue;
      const key = `${tag}=${value}`;
      let group = this.byTag.get(key);
      if (group === undefined) {
        if (this.byTag.size >= MAX_VALUES) continue;
        group = { all: new Distribution(), ok: 0, ko: 0 };
        this.byTag.set(key, group);
      }
      group.all.record(duration);
      if (ok) group.ok += 1;
      else group.ko += 1;
    }
  }

  droppedAt(time: number, value: number): void {
    const key = Math.floor(time / (this.droppedSeconds * 1000));
    if (!this.dropped.has(key) && this.dropped.size >= this.maxBuckets) {
      const merged = new Map<number, number>();
      for (const [k, n] of this.dropped) merged.set(Math.floor(k / 2), (merged.get(Math.floor(k / 2)) ?? 0) + n);
      this.dropped = merged;
      this.droppedSeconds *= 2;
      this.droppedAt(time, value);
      return;
    }
    this.dropped.set(key, (this.dropped.get(key) ?? 0) + value);
  }

  /** Dropped iterations in the timeline bucket [t, t + widthMs) (the timeline's width is a multiple of ours). */
  droppedIn(t: number, widthMs: number): number {
    const own = this.droppedSeconds * 1000;
    let n = 0;
    for (let k = Math.floor(t / own); k * own < t + widthMs; k += 1) n += this.dropped.get(k) ?? 0;
    return n;
  }
}
