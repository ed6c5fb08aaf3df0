// The self-test's result types: what run.ts judges and render.ts draws (kept apart so neither imports the other).
import type { FailedTest } from './attribution.ts';

export interface RunOutcome {
  readonly name: string;
  /** Declared clauses (empty for the healthy run). */
  readonly clauses: readonly string[];
  readonly description: string;
  readonly verdict: 'killed' | 'survived' | 'passed' | 'false-positive' | 'error';
  readonly killedBy: readonly FailedTest[];
  readonly otherFailures: readonly FailedTest[];
  /** Exit code of the Playwright run that judged this target (shared by every target of that run). */
  readonly exitCode: number | string;
  /** Test time of this target's projects (sum of its test durations, both phases). */
  readonly seconds: number;
  readonly note: string;
}

export interface SelftestSummary {
  readonly generatedAt: string;
  readonly wallSeconds: number;
  readonly defects: number;
  readonly killed: number;
  readonly survived: number;
  readonly falsePositives: number;
  readonly errors: number;
  readonly mutationScore: number | null;
  readonly healthy: string;
  readonly outcomes: readonly RunOutcome[];
}
