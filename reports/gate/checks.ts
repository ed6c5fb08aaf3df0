// The release gate's checks, each a named function returning pass/fail/skip with a one-line reason. A missing or
// unreadable input is a fail that says which file is missing and how to produce it — never a pass.
import { existsSync, statSync } from 'node:fs';
import { isRecord } from '../lib/files.ts';
import { readJsonFile } from '../../core/files.ts';
import type { OutputPaths } from '../../core/layout.ts';
import { loadAnalysis, type RunAnalysis, type ThresholdResult } from '../load-report/analysis.ts';
import { capacityLabel } from '../load-report/render-capacity.ts';
import { thresholdLabel } from '../load-report/render.ts';
import { reviewRun } from '../review/review.ts';
import type { Review } from '../review/types.ts';

/** `advisory`: findings of clauses the policy reports without gating (contract/policy.ts); never fails the gate. */
export type CheckStatus = 'pass' | 'fail' | 'skip' | 'advisory';

export interface GateCheck {
  name: string;
  status: CheckStatus;
  detail: string;
}

const pass = (name: string, detail: string): GateCheck => ({ name, status: 'pass', detail });
const fail = (name: string, detail: string): GateCheck => ({ name, status: 'fail', detail });

function age(path: string): string {
  const minutes = Math.round((Date.now() - statSync(path).mtimeMs) / 60_000);
  return minutes < 1 ? 'written just now' : `written ${minutes} min ago`;
}

interface PlaywrightSpec {
  title: string;
  ok: boolean;
  file?: string;
}

function failingSpecs(suite: unknown, path: string[], out: string[]): void {
  if (!isRecord(suite)) return;
  const title = typeof suite.title === 'string' && suite.title !== '' ? [...path, suite.title] : path;
  for (const spec of Array.isArray(suite.specs) ? (suite.specs as PlaywrightSpec[]) : []) {
    if (isRecord(spec) && spec.ok === false) out.push([...title, spec.title].join(' › '));
  }
  for (const child of Array.isArray(suite.suites) ? suite.suites : []) failingSpecs(child, title, out);
}

/** Contract suite: the Playwright JSON reporter's results. */
export function contractResultsCheck(paths: OutputPaths): GateCheck {
  const name = 'contract tests';
  if (!existsSync(paths.contractResults)) {
    return fail(name, `missing ${paths.contractResults}: run the contract suite (npm run contract) before the gate`);
  }
  let raw: unknown;
  try {
    raw = readJsonFile(paths.contractResults, 'contract results');
  } catch (error) {
    return fail(name, (error as Error).message);
  }
  if (!isRecord(raw) || !isRecord(raw.stats))
    return fail(name, `${paths.contractResults} is not Playwright JSON reporter output (no stats)`);
  const stats = raw.stats;
  const n = (k: string): number => (typeof stats[k] === 'number' ? stats[k] : 0);
  const errors = Array.isArray(raw.errors) ? raw.errors.length : 0;
  const failing: string[] = [];
  for (const s of Array.isArray(raw.suites) ? raw.suites : []) failingSpecs(s, [], failing);
  const counts = `${n('expected')} passed, ${n('unexpected')} failed, ${n('flaky')} flaky, ${n('skipped')} skipped`;
  if (n('unexpected') > 0 || failing.length > 0) {
    const shown = failing.slice(0, 5).join('; ');
    return fail(name, `${counts}: ${shown}${failing.length > 5 ? `; and ${failing.length - 5} more` : ''}`);
  }
  if (errors > 0)
    return fail(
      name,
      `${counts}; ${errors} run error(s) outside tests (e.g. the setup project): see the Allure report`,
    );
  if (n('expected') + n('flaky') === 0)
    return fail(name, `no contract test ran (${counts}): an empty run is not a pass`);
  return pass(name, `${counts} (${age(paths.contractResults)})`);
}

interface AnnotatedTest {
  annotations?: { type?: string; description?: string }[];
  results?: { annotations?: { type?: string; description?: string }[] }[];
}

function advisoryFindings(suite: unknown, out: Set<string>): void {
  if (!isRecord(suite)) return;
  for (const spec of Array.isArray(suite.specs) ? suite.specs : []) {
    const tests = isRecord(spec) && Array.isArray(spec.tests) ? (spec.tests as AnnotatedTest[]) : [];
    for (const t of tests) {
      const annotations = [...(t.annotations ?? []), ...(t.results ?? []).flatMap((r) => r.annotations ?? [])];
      for (const a of annotations) if (a.type === 'advisory' && a.description) out.add(a.description);
    }
  }
  for (const child of Array.isArray(suite.suites) ? suite.suites : []) advisoryFindings(child, out);
}

/**
 * Contract advisories: findings of clauses the policy marks advisory (hardening by default). Shown, never failing;
 * a missing results file is already the contract tests check's failure.
 */
export function contractAdvisoriesCheck(paths: OutputPaths): GateCheck {
  const name = 'contract advisories';
  let raw: unknown;
  try {
    raw = existsSync(paths.contractResults) ? readJsonFile(paths.contractResults, 'contract results') : undefined;
  } catch {
    raw = undefined;
  }
  if (!isRecord(raw)) return { name, status: 'skip', detail: 'no contract results to read' };
  const findings = new Set<string>();
  for (const s of Array.isArray(raw.suites) ? raw.suites : []) advisoryFindings(s, findings);
  if (findings.size === 0) return pass(name, 'none: every advisory clause held');
  const list = [...findings];
  return {
    name,
    status: 'advisory',
    detail: `${list.length} advisory finding(s), not gating (config/contract-policy.json): ${list.slice(0, 5).join('; ')}${list.length > 5 ? `; and ${list.length - 5} more` : ''}`,
  };
}

/** Contract coverage: every documented response (status × media type) exercised, or waived with a reason. */
export function contractCoverageCheck(paths: OutputPaths): GateCheck {
  const name = 'contract coverage';
  if (!existsSync(paths.contractCoverage)) {
    return fail(name, `missing ${paths.contractCoverage}: the contract suite writes it; run npm run contract`);
  }
  let raw: unknown;
  try {
    raw = readJsonFile(paths.contractCoverage, 'contract coverage');
  } catch (error) {
    return fail(name, (error as Error).message);
  }
  if (!isRecord(raw) || !Array.isArray(raw.covered) || !Array.isArray(raw.missed)) {
    return fail(name, `${paths.contractCoverage} has no covered/missed arrays`);
  }
  const describe = (e: unknown): string =>
    isRecord(e) ? `${String(e.status)}${e.mediaType ? ` ${String(e.mediaType)}` : ''}` : String(e);
  const waived = Array.isArray(raw.waived) ? raw.waived : [];
  const waivedText = waived.length
    ? `; waived: ${waived.map((w) => (isRecord(w) ? `${String(w.status)} (${String(w.reason)})` : String(w))).join(', ')}`
    : '';
  if (raw.missed.length > 0) return fail(name, `not exercised: ${raw.missed.map(describe).join(', ')}${waivedText}`);
  if (raw.covered.length === 0) return fail(name, 'no documented response was exercised');
  return pass(name, `covered ${raw.covered.map(describe).join(', ')}${waivedText}`);
}

/** Load SLOs: every threshold of the latest load run, judged globally when several generators ran. */
export function loadThresholdsCheck(analysis: RunAnalysis | undefined, why: string): GateCheck {
  const name = 'load SLOs';
  if (analysis === undefined) return fail(name, why);
  const a = analysis;
  const run = `run ${a.meta.runId} (profile ${a.meta.profile || '?'})`;
  if (a.thresholds.length === 0) return fail(name, `${run} declared no thresholds: no SLO was evaluated`);
  // A breakpoint run ramps until its latency, error and dropped-iteration SLOs break, by design: those breaches are
  // its result (the capacity check judges it); the correctness thresholds (checks, contract, identity) still gate.
  const byDesign = a.meta.profile === 'breakpoint' && a.capacity !== undefined && a.capacity.status !== 'unavailable';
  const failed = a.thresholds.filter((t) => !t.ok && !(byDesign && breaksByDesign(t)));
  if (failed.length > 0) {
    const list = failed.map(
      (t) =>
        `${thresholdLabel(t)} (observed ${Number.isFinite(t.value) ? round(t.value) : 'no data'}${t.note ? `, ${t.note}` : ''})`,
    );
    return fail(name, `${run}: ${failed.length} of ${a.thresholds.length} thresholds breached: ${list.join('; ')}`);
  }
  if (byDesign) {
    const broke = a.thresholds.filter((t) => !t.ok).length;
    return pass(
      name,
      `${run}: breakpoint run, ${broke} load threshold(s) broke by design (capacity ${a.capacity?.summary ?? '?'}); the ${a.thresholds.length - broke} others held`,
    );
  }
  if (a.meta.exitCode !== undefined && a.meta.exitCode !== 0) {
    return fail(name, `${run}: thresholds passed but the load engine exited with code ${a.meta.exitCode}: see its log`);
  }
  const g = a.headline;
  if (a.global.count === 0) return fail(name, `${run} measured no request`);
  return pass(
    name,
    `${run}: ${a.thresholds.length} thresholds passed over ${g.count} requests (p95 ${round(g.p95)} ms, ${a.merged ? `${a.instanceCount} instances merged` : 'one generator'})`,
  );
}

/** The thresholds a breakpoint ramp is meant to break: latency, error rate, dropped iterations. */
function breaksByDesign(t: ThresholdResult): boolean {
  return /^(http_req_duration|http_req_failed|dropped_iterations)\b/.test(t.metric);
}

/**
 * Capacity, when config/slo.json sets minCapacityRps for the run's profile: the run's capacity (analysis.json,
 * capacity.ts) must reach it. 'not-reached' passes when the highest rate tested already reaches the minimum, and
 * fails otherwise (the ramp stopped too low to prove it); no figure fails, naming why.
 */
export function capacityCheck(analysis: RunAnalysis | undefined, minCapacityRps: number, why: string): GateCheck {
  const name = 'capacity';
  if (analysis === undefined) return fail(name, why);
  const c = analysis.capacity;
  const need = `minimum ${minCapacityRps} logins/s (config/slo.json minCapacityRps)`;
  if (c === undefined) {
    return fail(
      name,
      `run ${analysis.meta.runId} has no capacity figure: the ${need} needs a breakpoint or stress run`,
    );
  }
  if (c.status === 'unavailable' || c.status === 'below-range') return fail(name, `${c.summary}; ${need}`);
  const label = `${capacityLabel(c)} logins/s`;
  if (c.capacityRps >= minCapacityRps) return pass(name, `${label} >= ${need}: ${c.summary}`);
  return fail(
    name,
    c.status === 'not-reached'
      ? `the ramp stopped at ${label}, below the ${need}: ramp higher to prove it`
      : `${label} is below the ${need}: ${c.summary}`,
  );
}

/** Performance review against the baseline; no baseline yet is a skip unless the caller requires one. */
export function baselineCheck(review: Review | undefined, why: string, requireBaseline: boolean): GateCheck {
  const name = 'baseline comparison';
  if (review === undefined) return fail(name, why);
  const change = (c: Review['comparisons'][number]): string =>
    c.unit === 'share'
      ? `${c.delta >= 0 ? '+' : ''}${(c.delta * 100).toFixed(2)} pts`
      : Number.isFinite(c.deltaPct)
        ? `${c.deltaPct >= 0 ? '+' : ''}${c.deltaPct.toFixed(1)} %`
        : round(c.delta);
  const changes = review.comparisons.map((c) => `${c.label} ${change(c)} ${c.verdict}`).join(', ');
  if (review.verdict === 'no-baseline') {
    const detail = `${review.baselineSource}: nothing to compare with yet`;
    return requireBaseline ? fail(name, `${detail} (--require-baseline)`) : { name, status: 'skip', detail };
  }
  const against = `vs ${review.baseline?.runId ?? '?'}`;
  if (review.verdict === 'fail') {
    const beyond = review.comparisons
      .filter((c) => c.verdict === 'fail')
      .map((c) => `${c.label} ${change(c)} (${c.rule})`);
    return fail(name, `regression beyond tolerance ${against}: ${beyond.join('; ')}`);
  }
  return pass(
    name,
    `${review.verdict === 'warn' ? 'within tolerance, with warnings' : 'no regression'} ${against}: ${changes}`,
  );
}

function round(n: number): string {
  return Number.isFinite(n) ? String(Math.round(n * 100) / 100) : 'n/a';
}

export async function tryAnalyze(
  runDir: string | undefined,
  paths: OutputPaths,
): Promise<{ analysis?: RunAnalysis; why: string }> {
  if (runDir === undefined)
    return { why: `no load run under ${paths.loadRuns}: run the load suite (npm run load) before the gate` };
  if (!existsSync(`${runDir}/summary.json`))
    return { why: `missing ${runDir}/summary.json: the load run did not finish (no summary)` };
  try {
    return { analysis: await loadAnalysis(runDir), why: '' };
  } catch (error) {
    return { why: `cannot read load run ${runDir}: ${(error as Error).message}` };
  }
}

export async function tryReview(
  runDir: string | undefined,
  baseline: string | undefined,
  historyFile: string,
): Promise<{ review?: Review; why: string }> {
  if (runDir === undefined) return { why: 'no load run to compare with a baseline' };
  try {
    return { review: await reviewRun({ runDir, historyFile, ...(baseline ? { baseline } : {}) }), why: '' };
  } catch (error) {
    return { why: `cannot compare with the baseline: ${(error as Error).message}` };
  }
}
