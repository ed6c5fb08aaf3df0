// k6 duration values: Go duration strings ("1h2m3s", "500ms", "1.5s", "2m") or a number of milliseconds.
// The engine's own copy of the grammar (it stands in for the k6 binary and imports nothing outside load/engine); the
// project's owner is load/lib/duration.ts and load/engine/test/format-table.test.ts holds the two equal.
// Go's time.ParseDuration syntax: <number><unit> repeated, no spaces, units ns, us/µs, ms, s, m, h (case-sensitive),
// numbers "1", "1.5", "1.", ".5"; "0" alone is zero. No sign (no duration k6 reads may be negative), no bare numbers.
import { invalidConfig } from './errors.ts';

const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
const WHOLE = /^(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/;

/** Milliseconds for a Go duration string, or undefined when it is not one. */
export function durationTextMs(text: string): number | undefined {
  if (text === '0') return 0;
  if (!WHOLE.test(text)) return undefined;
  let ns = 0;
  for (const m of text.matchAll(/(\d*)(?:\.(\d*))?(ns|us|µs|ms|s|m|h)/g)) {
    const unit = UNIT_NS[m[3]!]!;
    ns += Number(m[1] || '0') * unit;
    if (m[2]) ns += Math.floor((Number(m[2]) * unit) / 10 ** m[2].length);
  }
  return ns / 1e6;
}

export function parseDuration(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const ms = typeof value === 'string' ? durationTextMs(value) : undefined;
  if (ms === undefined) {
    throw invalidConfig(`${what}: ${JSON.stringify(value)} is not a duration (e.g. "30s", "1m30s", "500ms")`);
  }
  return ms;
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${(ms * 1e6).toFixed(0)}ns`;
  if (ms < 1) return `${+(ms * 1000).toFixed(2)}µs`;
  if (ms < 1000) return `${+ms.toFixed(2)}ms`;
  if (ms < 60000) return `${+(ms / 1000).toFixed(2)}s`;
  const m = Math.floor(ms / 60000);
  const s = (ms % 60000) / 1000;
  if (m < 60) return `${m}m${+s.toFixed(1)}s`;
  return `${Math.floor(m / 60)}h${m % 60}m${+s.toFixed(0)}s`;
}
