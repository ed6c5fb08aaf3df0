// k6 duration strings ("500ms", "30s", "1m30s", "1h") to milliseconds and back. Pure: shared by k6 scripts and Node.
// The project's one owner of this grammar; the local engine keeps its own copy (load/engine/src/duration.ts) and
// load/engine/test/format-table.test.ts holds the two equal on one table of cases.
//
// Grammar: k6 is written in Go and its docs and @types/k6 write every duration as a Go duration string ("10s", "5m",
// "1h30m", "5m30s", "500ms"), so this is Go's time.ParseDuration syntax: one or more <number><unit> with no space,
// <number> = digits with an optional fraction ("1.5", "1.", ".5"), <unit> = ns, us (or µs), ms, s, m, h; the lone
// string "0" is zero. Units are case-sensitive ("1S" is an error). Go also takes a leading sign; every duration this
// suite reads (stages, timeUnit, gracefulStop, delayAbortEval, timeouts) must be >= 0, so a sign is refused here.
// Not durations: "", "30" (no unit), "1d" (no day unit), "1 s", " 1s".
import { LoadInputError } from './input-error.ts';

const unitNs: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const whole = /^(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/;
const part = /(\d*)(?:\.(\d*))?(ns|us|µs|ms|s|m|h)/g;

/** Milliseconds for a duration string, or undefined when it is not one (see the grammar above). */
export function durationMs(text: string): number | undefined {
  if (text === '0') return 0;
  if (!whole.test(text)) return undefined;
  // Summed in whole nanoseconds, as Go does, so "1.1s" is 1100 ms exactly (not 1100.0000000000002).
  let ns = 0;
  for (const m of text.matchAll(part)) {
    const unit = unitNs[m[3] ?? ''] ?? 0;
    const fraction = m[2] ?? '';
    ns += Number(m[1] || '0') * unit;
    if (fraction !== '') ns += Math.floor((Number(fraction) * unit) / 10 ** fraction.length);
  }
  return ns / 1e6;
}

/** durationMs, or a one-line LoadInputError naming the setting. */
export function parseDuration(text: string, what: string): number {
  const ms = durationMs(text);
  if (ms === undefined) {
    throw new LoadInputError(`${what}="${text}" is not a duration: expected e.g. 500ms, 30s, 5m, 1h30m`);
  }
  return ms;
}

/** Whole seconds as "Ns" (k6's own style), anything finer as "Nms". */
export function formatDuration(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  return rounded % 1000 === 0 ? `${rounded / 1000}s` : `${rounded}ms`;
}
