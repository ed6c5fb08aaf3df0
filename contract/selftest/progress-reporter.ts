// Prints one line as each target's project finishes (the run's only console output besides errors), so a long
// self-test shows progress; run.ts judges the targets from the JSON report afterwards.
import type { FullConfig, Reporter, Suite, TestCase, TestError, TestResult } from '@playwright/test/reporter';

export default class ProgressReporter implements Reporter {
  private readonly left = new Map<string, number>();
  private readonly counts = new Map<string, { failed: number; skipped: number; ms: number }>();

  onBegin(_config: FullConfig, suite: Suite): void {
    for (const test of suite.allTests()) {
      const project = test.parent.project()?.name ?? '';
      this.left.set(project, (this.left.get(project) ?? 0) + 1);
    }
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const project = test.parent.project()?.name ?? '';
    const c = this.counts.get(project) ?? { failed: 0, skipped: 0, ms: 0 };
    if (result.status === 'skipped') c.skipped += 1;
    else if (result.status !== 'passed') c.failed += 1;
    c.ms += result.duration;
    this.counts.set(project, c);
    const left = (this.left.get(project) ?? 1) - 1;
    this.left.set(project, left);
    if (left === 0 && project !== 'reachability') {
      console.log(
        `  done ${project}: ${c.failed} failed, ${c.skipped} skipped, ${(c.ms / 1000).toFixed(1)} s of tests`,
      );
    }
  }

  onError(error: TestError): void {
    console.log(`selftest: playwright: ${(error.message ?? '').split('\n')[0] ?? ''}`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
