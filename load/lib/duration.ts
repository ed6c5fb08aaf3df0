// k6 duration strings ("500ms", "30s", "1m30s", "8h") to milliseconds and back. Pure: shared by k6 and Node.
import { LoadInputError } from './input-error.ts';

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string, what: string): number {
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(text) ? text.match(/\d+(?:\.\d+)?(?:ms|s|m|h)/g) : null;
  if (parts === null) {
    throw new LoadInputError(`${what}="${text}" is not a duration: expected e.g. 500ms, 30s, 5m, 1h30m`);
  }
  let total = 0;
  for (const part of parts) {
    const unit = /(ms|s|m|h)$/.exec(part)?.[1] ?? 'ms';
    total += parseFloat(part) * (unitMs[unit] ?? 1);
  }
  return Math.round(total);
}

/** Whole seconds as "Ns" (k6's own style), anything finer as "Nms". */
export function formatDuration(ms: number): string {
  const rounded = Math.max(0, Math.round(ms));
  return rounded % 1000 === 0 ? `${rounded / 1000}s` : `${rounded}ms`;
}
