// Executor schedules as pure functions of time, shared by main (arrival-rate scheduler, ramp-down watch) and the VU
// threads (a ramping-vus VU decides by itself whether it is active).
import type { Scenario, Stage } from './options.ts';

/** Linear interpolation of the stages: target value at t ms after the scenario start. */
export function stageValue(startValue: number, stages: readonly Stage[], t: number): number {
  let from = startValue;
  let at = 0;
  for (const st of stages) {
    if (t < at + st.durationMs) return from + ((st.target - from) * (t - at)) / st.durationMs;
    at += st.durationMs;
    from = st.target;
  }
  return from;
}

/** Iterations due by t ms after start: the integral of the rate (per ms) over the stages. */
export function arrivalsBy(s: Scenario, t: number): number {
  if (s.executor === 'constant-arrival-rate') return Math.min(t, s.durationMs) * (s.rate / s.timeUnitMs);
  let total = 0;
  let from = s.startRate;
  let at = 0;
  for (const st of s.stages) {
    const span = Math.min(Math.max(t - at, 0), st.durationMs);
    if (span > 0) {
      const rateAtEnd = from + ((st.target - from) * span) / st.durationMs;
      total += ((from + rateAtEnd) / 2) * span;
    }
    at += st.durationMs;
    from = st.target;
    if (t <= at) break;
  }
  return total / s.timeUnitMs;
}
