// Self-test only, for the projects of defects (the healthy project and every ordinary run are untouched):
// - once a test fails with one of the defect's declared clauses, the project's remaining tests are skipped, as a
//   mutation tool stops at a kill (a marker file records the kill and the killing test);
// - a failing test is then recorded as an expected failure (test.fail()): a failure is what a defect is for, and
//   Playwright restarts its worker after every unexpected failure, which cost about 2 s of CPU per failure. The
//   failure itself (status, errors) stays in the report, where run.ts judges it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { TestInfo } from '@playwright/test';
import { advisoryAnnotation } from '../policy.ts';
import { failureClauses } from './attribution.ts';

export const selftestMetaKey = 'selftest';

export interface SelftestProject {
  /** `healthy` or the defect name. */
  readonly name: string;
  /** Declared clauses (none for the healthy reference, which therefore runs every test). */
  readonly declared: readonly string[];
  /** Written (with the killing test's title) when a test fails with a declared clause. */
  readonly killedMarker: string;
}

export function selftestProject(metadata: Readonly<Record<string, unknown>> | undefined): SelftestProject | undefined {
  return metadata?.[selftestMetaKey] as SelftestProject | undefined;
}

export async function stopAfterKill(testInfo: TestInfo, run: () => Promise<void>): Promise<void> {
  const project = selftestProject(testInfo.project.metadata);
  if (project === undefined || project.declared.length === 0) return run();
  if (existsSync(project.killedMarker)) {
    testInfo.skip(true, `self-test: ${project.name} already killed by ${readFileSync(project.killedMarker, 'utf8')}`);
  }
  await run();
  if (testInfo.status === 'passed') {
    // An advisory clause is killed by being reported: stop there too.
    const advised = testInfo.annotations.filter((a) => a.type === advisoryAnnotation).map((a) => a.description ?? '');
    if (failureClauses(advised, '').some((c) => project.declared.includes(c))) {
      writeFileSync(project.killedMarker, testInfo.title);
    }
    return;
  }
  if (testInfo.status === 'skipped') return;
  const clauses = failureClauses(
    testInfo.errors.map((e) => e.message ?? ''),
    testInfo.title,
  );
  if (clauses.some((c) => project.declared.includes(c))) writeFileSync(project.killedMarker, testInfo.title);
  testInfo.fail(true, `self-test: failures are expected on defect ${project.name}`);
}
