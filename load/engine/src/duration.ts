// k6 duration values: "1h2m3s", "500ms", "1.5s", "2m" or a number of milliseconds.
import { invalidConfig } from './errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000, us: 0.001, µs: 0.001, ns: 0.000001 };

export function parseDuration(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string')
    throw invalidConfig(`${what}: ${JSON.stringify(value)} is not a duration (e.g. "30s", "1m30s", "500ms")`);
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (text.length === 0 || matched !== text.length) {
    throw invalidConfig(`${what}: "${value}" is not a duration (e.g. "30s", "1m30s", "500ms")`);
  }
  return total;
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
