// The per-second series the capacity is computed from (capacity.ts): while the metrics stream is read, each login is
// filed under the second it started (end time minus duration), each dropped iteration under the second it was
// dropped; afterwards every second gets the arrival rate the schedule offered in it. Bounded: past `maxSamples`
// latencies the series stops growing and the capacity says why it was not computed.
import { parseDuration } from '../../load/lib/duration.ts';
import type { RunSchedule } from '../../load/lib/run-meta.ts';
import type { SecondSample } from './capacity.ts';

interface Second {
  latencies: number[];
  ko: number;
  dropped: number;
}

/** 4 Mi latencies (32 MiB): a 2-hour breakpoint ramp to 400 logins/s is 1.4 Mi. */
export const maxCapacitySamples = 1 << 22;

export class PerSecondLogins {
  private readonly seconds = new Map<number, Second>();
  private samples = 0;
  overflow = false;
  firstArrivalMs = Infinity;
  lastArrivalMs = -Infinity;

  constructor(private readonly maxSamples = maxCapacitySamples) {}

  /** A login request, from its metric point: `endMs` is the point's time, `durationMs` its value. */
  addLogin(endMs: number, durationMs: number, ok: boolean): void {
    if (this.samples >= this.maxSamples) {
      this.overflow = true;
      return;
    }
    const start = endMs - durationMs;
    const s = this.second(start);
    s.latencies.push(durationMs);
    if (!ok) s.ko += 1;
    this.samples += 1;
  }

  addDropped(timeMs: number, count: number): void {
    this.second(timeMs).dropped += count;
  }

  private second(ms: number): Second {
    if (ms < this.firstArrivalMs) this.firstArrivalMs = ms;
    if (ms > this.lastArrivalMs) this.lastArrivalMs = ms;
    const key = Math.floor(ms / 1000);
    let s = this.seconds.get(key);
    if (s === undefined) {
      s = { latencies: [], ko: 0, dropped: 0 };
      this.seconds.set(key, s);
    }
    return s;
  }

  /**
   * Every second of the rising part of the schedule with its offered rate, or a reason why there is none. The
   * scenario's start is not in the stream: it is placed so that the first arrival seen falls when the schedule's
   * first arrival is due (the cumulative rate reaches 1, the local engine's rule; real k6 may start it up to that
   * much earlier, at most sqrt(2 / slope) s on a ramp from 0: about 1 s on a ramp of 150 s to 200/s).
   */
  toSeries(schedule: RunSchedule | undefined): SecondSample[] | string {
    if (this.overflow) return `more than ${this.maxSamples} login samples: too long a run for the per-second analysis`;
    if (schedule === undefined || schedule.stages.length === 0)
      return 'meta.json has no schedule (not run by npm run load)';
    if (!Number.isFinite(this.firstArrivalMs)) return 'no login request in the metrics stream';
    const plan = compile(schedule);
    const start = this.firstArrivalMs - timeOfArrival(plan, 1);
    const out: SecondSample[] = [];
    const firstKey = Math.floor(start / 1000);
    // Up to the last second anything arrived in: a run aborted at its first breached threshold has no data after.
    const lastKey = Math.min(Math.floor((start + plan.risingEndMs) / 1000), Math.floor(this.lastArrivalMs / 1000) + 1);
    for (let key = firstKey; key < lastKey; key++) {
      const from = Math.max(key * 1000, start) - start;
      const to = Math.min((key + 1) * 1000 - start, plan.risingEndMs);
      if (to <= from) continue;
      const s = this.seconds.get(key);
      out.push({
        t: key * 1000,
        rate: ((arrivalsBy(plan, to) - arrivalsBy(plan, from)) * 1000) / (to - from),
        latencies: s?.latencies ?? [],
        ko: s?.ko ?? 0,
        dropped: s?.dropped ?? 0,
      });
    }
    return out.length > 0 ? out : 'the schedule has no rising part';
  }
}

interface Plan {
  startRate: number;
  stages: { ms: number; target: number }[];
  unitMs: number;
  /** End of the last stage before the first one that lowers the rate (the ramp-down is left out). */
  risingEndMs: number;
}

function compile(schedule: RunSchedule): Plan {
  const unitMs = parseDuration(schedule.timeUnit || '1s', 'timeUnit');
  const stages = schedule.stages.map((s) => ({ ms: parseDuration(s.duration, 'stage duration'), target: s.target }));
  let rate = schedule.startRate;
  let risingEndMs = 0;
  for (const st of stages) {
    if (st.target < rate) break;
    risingEndMs += st.ms;
    rate = st.target;
  }
  return { startRate: schedule.startRate, stages, unitMs, risingEndMs };
}

/** Arrivals due by t ms after the scenario's start: the integral of the linear rate ramps. */
export function arrivalsBy(plan: Plan, t: number): number {
  let total = 0;
  let from = plan.startRate;
  let at = 0;
  for (const st of plan.stages) {
    const span = Math.min(Math.max(t - at, 0), st.ms);
    if (span > 0) total += ((from + from + ((st.target - from) * span) / st.ms) / 2) * span;
    at += st.ms;
    from = st.target;
    if (t <= at) break;
  }
  return total / plan.unitMs;
}

/** When the n-th arrival is due (bisection on the non-decreasing arrivalsBy); 0 when the schedule never gets there. */
function timeOfArrival(plan: Plan, n: number): number {
  let lo = 0;
  let hi = plan.stages.reduce((a, s) => a + s.ms, 0);
  if (arrivalsBy(plan, hi) < n) return 0;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (arrivalsBy(plan, mid) >= n) hi = mid;
    else lo = mid;
  }
  return hi;
}
