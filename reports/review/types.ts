// The performance review as data: built by review.ts, drawn by render.ts, judged by the gate. Its own module so that
// review.ts -> render.ts is the only edge between the two (no import cycle).
import type { Comparison } from './compare.ts';
import type { HistoryRecord } from './history.ts';

export interface Review {
  run: HistoryRecord;
  baseline: HistoryRecord | undefined;
  baselineSource: string;
  comparisons: Comparison[];
  verdict: 'pass' | 'warn' | 'fail' | 'no-baseline';
  trend: HistoryRecord[];
  notes: string[];
}
