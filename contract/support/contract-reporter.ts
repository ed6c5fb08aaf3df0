// The contract run's own reporter: the coverage gate (every documented (operation, status, media type) validated
// at least once, unless waived with a reason), coverage.json, and the Allure environment (target, spec, commit).
// A missed response turns the run's verdict to failed, so `npm run contract` exits non-zero.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { loadConfig } from '../../config/index.ts';
import { writeFileAtomic } from '../../core/files.ts';
import { outputPaths } from '../../core/layout.ts';
import { loadSpec } from '../validator/spec.ts';
import { ResponseValidator } from '../validator/validator.ts';
import { targetEnv } from './target-env.ts';
import { advisoryAnnotation, policyFor } from '../policy.ts';
import { coverageAnnotation } from './matchers.ts';
import type { CoveredResponse } from './matchers.ts';
import { runFilter } from './run-filter.ts';

export interface CoverageEntry {
  readonly operationId: string;
  readonly status: string;
  readonly mediaType: string;
}

export interface CoverageReport {
  readonly covered: (CoverageEntry & { readonly tests: number })[];
  readonly missed: CoverageEntry[];
  readonly waived: (CoverageEntry & { readonly reason: string })[];
  readonly gate: { readonly applied: boolean; readonly passed: boolean; readonly note: string };
}

/** Pure: the gate's verdict from what the document promises, what was validated, and the waivers. */
export function evaluateCoverage(
  documented: readonly CoverageEntry[],
  validated: ReadonlyMap<string, number>,
  waivers: ReadonlyMap<number, string>,
  complete: boolean,
  partialReason?: string,
): CoverageReport {
  const key = (e: CoverageEntry): string => `${e.operationId} ${e.status} ${e.mediaType}`;
  const covered = documented
    .filter((e) => validated.has(key(e)))
    .map((e) => ({ ...e, tests: validated.get(key(e)) ?? 0 }));
  const uncovered = documented.filter((e) => !validated.has(key(e)));
  const waived = uncovered.flatMap((e) => {
    const reason = waivers.get(Number(e.status));
    return reason === undefined ? [] : [{ ...e, reason }];
  });
  const missed = uncovered.filter((e) => !waivers.has(Number(e.status)));
  const passed = !complete || missed.length === 0;
  const note = !complete
    ? `not applied: partial run (${partialReason ?? 'filtered'})`
    : missed.length === 0
      ? `every documented response validated (${covered.length} covered, ${waived.length} waived)`
      : `not validated: ${missed.map((m) => `${m.status} ${m.mediaType}`).join(', ')}`;
  return { covered, missed, waived, gate: { applied: complete, passed, note } };
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

export default class ContractReporter implements Reporter {
  private readonly validated = new Map<string, Set<string>>();
  private setupFailed = false;
  private testsEnded = 0;
  private readonly advisories = new Set<string>();
  private allureResultsDir: string | undefined;

  onBegin(config: FullConfig, _suite: Suite): void {
    const allure = config.reporter.find(([name]) => name.includes('allure-playwright'));
    const options = allure?.[1] as { resultsDir?: string } | undefined;
    this.allureResultsDir = options?.resultsDir;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    this.testsEnded += 1;
    if (test.parent.project()?.name === 'reachability' && result.status !== 'passed' && result.status !== 'skipped') {
      this.setupFailed = true;
    }
    for (const annotation of [...result.annotations, ...test.annotations]) {
      if (annotation.type === advisoryAnnotation && annotation.description) this.advisories.add(annotation.description);
      if (annotation.type !== coverageAnnotation || annotation.description === undefined) continue;
      const covered = JSON.parse(annotation.description) as CoveredResponse;
      const key = `${covered.operationId} ${covered.status} ${covered.mediaType}`;
      const tests = this.validated.get(key) ?? new Set<string>();
      tests.add(test.id);
      this.validated.set(key, tests);
    }
  }

  onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    return Promise.resolve(this.finish(result));
  }

  private finish(result: FullResult): { status?: FullResult['status'] } | undefined {
    const config = loadConfig();
    const spec = loadSpec(undefined, { checkedSha256: process.env[targetEnv.specChecked] });
    const policy = policyFor(config);
    this.writeEnvironment(spec.title, spec.version, spec.sha256, config.contractWaivers, policy.source);
    // Advisories never change the verdict, so they are said once more at the end, where a reader looks.
    if (this.advisories.size > 0) {
      console.log(`contract advisories (not gating, ${policy.source}): ${this.advisories.size}`);
      for (const finding of this.advisories) console.log(`  ${finding}`);
    }
    // No test ended: the global setup failed (its error is the run's one message) or nothing was selected.
    const prepared = this.testsEnded > 0;
    if (!prepared || this.setupFailed || result.status === 'interrupted' || result.status === 'timedout') {
      const why = !prepared
        ? 'no test ran'
        : this.setupFailed
          ? 'the target was not reachable'
          : `run ${result.status}`;
      console.log(`contract coverage: not evaluated (${why})`);
      return undefined;
    }
    const filter = runFilter();
    const counts = new Map([...this.validated].map(([k, v]) => [k, v.size]));
    const documented = new ResponseValidator(spec).documentedResponses();
    const report = evaluateCoverage(documented, counts, config.contractWaivers, filter.complete, filter.reason);
    writeFileAtomic(outputPaths(config.reportsDir).contractCoverage, `${JSON.stringify(report, null, 2)}\n`);
    for (const w of report.waived) console.log(`contract coverage: ${w.status} ${w.mediaType} waived — ${w.reason}`);
    if (!report.gate.passed) {
      console.log(
        `contract coverage gate FAILED: ${report.gate.note} — run against a target that produces them, or waive each with CONTRACT_WAIVERS=status=reason`,
      );
      return { status: 'failed' };
    }
    console.log(`contract coverage: ${report.gate.note}`);
    return undefined;
  }

  printsToStdio(): boolean {
    return false;
  }

  private writeEnvironment(
    title: string,
    version: string,
    sha256: string,
    waivers: ReadonlyMap<number, string>,
    policy: string,
  ): void {
    if (this.allureResultsDir === undefined) return;
    const managed = process.env[targetEnv.managed] === 'true';
    const entries: Record<string, string> = {
      target: process.env[targetEnv.baseUrl] ?? '(not started)',
      'target.kind': managed ? 'reference service (managed)' : 'configured AUTH_BASE_URL',
      'target.fault': process.env[targetEnv.faultBaseUrl] ?? '(none)',
      'spec.title': title,
      'spec.version': version,
      'spec.sha256': sha256,
      commit: commit(),
      node: process.version,
      'contract.waivers': [...waivers].map(([s, r]) => `${s}=${r}`).join(', ') || '(none)',
      'contract.policy': policy,
    };
    if (managed && process.env.REFERENCE_DEFECT) entries['reference.defect'] = process.env.REFERENCE_DEFECT;
    const text = Object.entries(entries)
      .map(([k, v]) => `${k}=${v.replace(/\\/g, '\\\\').replace(/\n/g, ' ')}`)
      .join('\n');
    writeFileAtomic(join(this.allureResultsDir, 'environment.properties'), `${text}\n`);
  }
}
