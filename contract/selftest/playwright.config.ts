// The self-test's one Playwright run (started by run.ts, not by hand): the contract's own specs, settings and
// reachability setup, with one project per target — the healthy reference and each selected defect — each pointed at
// its prefix on the multiplexing reference (reference/multiplex.ts) that run.ts started. No global setup: the
// services are already up. Inputs come from run.ts through the environment (SELFTEST_*).
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import type { Project } from '@playwright/test';
import contract from '../playwright.config.ts';
import { DEFECTS } from '../../reference/defects.ts';
import { faultBaseUrl, HEALTHY, targetBaseUrl } from '../../reference/multiplex.ts';
import { projectTargetKey } from '../support/context.ts';
import type { ProjectTarget } from '../support/context.ts';
import { selftestEnv } from './env.ts';
import { selftestMetaKey } from './stop-after-kill.ts';
import type { SelftestProject } from './stop-after-kill.ts';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set: run the self-test with npm run selftest`);
  return value;
}

const origin = required(selftestEnv.origin);
const killedDir = required(selftestEnv.killedDir);
const names = required(selftestEnv.targets).split(',');
const targeted = process.env[selftestEnv.targeted] === '1';

function targetProject(name: string): Project {
  const target: ProjectTarget = {
    baseUrl: targetBaseUrl(origin, name),
    faultBaseUrl: faultBaseUrl(origin, name),
    managed: true,
  };
  const selftest: SelftestProject = {
    name,
    declared: name === HEALTHY ? [] : (DEFECTS.find((d) => d.name === name)?.clauses ?? []),
    killedMarker: join(killedDir, name),
  };
  if (name === HEALTHY) {
    // The control runs first and alone, with the workers `npm run contract` uses, so the timing comparison meets no
    // more contention than in an ordinary contract run.
    return {
      name,
      testMatch: /\.spec\.ts$/,
      dependencies: ['reachability'],
      ...(typeof contract.workers === 'number' ? { workers: contract.workers } : {}),
      metadata: { [projectTargetKey]: target, [selftestMetaKey]: selftest },
    };
  }
  return {
    name,
    testMatch: /\.spec\.ts$/,
    // After the healthy control has passed (a harness that fails the healthy reference proves nothing).
    dependencies: [names.includes(HEALTHY) ? HEALTHY : 'reachability'],
    // One worker per target: a worker serves one project anyway, and two targets at a time share the two cores.
    workers: 1,
    // The targeted phase: only the tests titled with a declared clause (none: the project has no test and costs
    // nothing); run.ts runs the whole suite on whatever this phase did not kill.
    ...(targeted ? { grep: new RegExp(selftest.declared.map((c) => `\\[${c}\\]`).join('|')) } : {}),
    metadata: { [projectTargetKey]: target, [selftestMetaKey]: selftest },
  };
}

export default defineConfig({
  testDir: '../specs',
  outputDir: join(killedDir, '..', 'artifacts'),
  // The contract run's own settings (fullyParallel, retries 0, per-test timeout).
  ...(contract.fullyParallel === undefined ? {} : { fullyParallel: contract.fullyParallel }),
  ...(contract.retries === undefined ? {} : { retries: contract.retries }),
  ...(contract.timeout === undefined ? {} : { timeout: contract.timeout }),
  ...(contract.globalTimeout === undefined ? {} : { globalTimeout: contract.globalTimeout }),
  workers: Number(process.env[selftestEnv.workers] ?? 3),
  reportSlowTests: null,
  use: { trace: 'off' },
  reporter: [['json', { outputFile: required(selftestEnv.resultsFile) }], ['./progress-reporter.ts']],
  // The reachability setup checks the healthy target and its fault twin (CONTRACT_BASE_URL / CONTRACT_FAULT_BASE_URL
  // set by run.ts): if the multiplexing reference is down, that is the run's one failure.
  projects: [{ name: 'reachability', testMatch: /reachability\.setup\.ts$/ }, ...names.map(targetProject)],
});
