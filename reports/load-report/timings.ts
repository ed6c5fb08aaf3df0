// The HTTP timing breakdown of a run: where a request's time went (queued for a connection, connecting, TLS,
// sending, waiting for the first byte, receiving), from the summary's trend metrics. k6 and the local engine put
// every phase in summary.json, so this costs no stream parsing (the stream has six more lines per request).
// Several generators: the means are weighted by each one's request count; percentiles do not merge, so they are
// left out (NaN) rather than guessed.
import type { SummaryData } from '../../load/lib/summary-data.ts';

export const timingPhases = [
  ['http_req_blocked', 'blocked'],
  ['http_req_connecting', 'connecting'],
  ['http_req_tls_handshaking', 'TLS'],
  ['http_req_sending', 'sending'],
  ['http_req_waiting', 'waiting'],
  ['http_req_receiving', 'receiving'],
] as const;

export interface TimingPhase {
  metric: string;
  label: string;
  /** Mean ms per request. */
  avg: number;
  p95: number;
  max: number;
}

export function timingBreakdown(summaries: readonly SummaryData[]): TimingPhase[] {
  const single = summaries.length === 1;
  return timingPhases.flatMap(([metric, label]) => {
    const parts = summaries
      .map((s) => s.metrics[metric]?.values)
      .filter((v): v is Record<string, number> => v?.avg !== undefined);
    if (parts.length === 0) return [];
    const weight = (v: Record<string, number>): number => v.count ?? 1;
    const total = parts.reduce((n, v) => n + weight(v), 0);
    const avg = parts.reduce((n, v) => n + (v.avg ?? 0) * weight(v), 0) / total;
    const p95 = single ? (parts[0]?.['p(95)'] ?? NaN) : NaN;
    return [{ metric, label, avg, p95, max: Math.max(...parts.map((v) => v.max ?? NaN)) }];
  });
}
