// The contract run: a reachability setup project (fails once, clearly, when the target is down; nothing else runs),
// then the contract specs. The target comes from config alone (AUTH_BASE_URL, or the managed reference started by
// the global setup). Reporters: list, Allure results, Playwright JSON and JUnit, and the coverage gate.
// Paths are absolute (from this file's folder), so the root playwright.config.ts can re-export this config and
// `npx playwright test` at the repository root runs exactly what `npm run contract` runs.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';
import { ConfigError, loadConfig } from '../config/index.ts';
import { outputPaths } from '../core/layout.ts';
import { allureCategories } from './allure-categories.ts';
import { policyFor } from './policy.ts';
import { playwrightProxy } from './support/proxy.ts';
import { targetEnv } from './support/target-env.ts';

function configOrExit(): ReturnType<typeof loadConfig> {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`contract: ${error.message}`);
    process.exit(2);
  }
}

const here = dirname(fileURLToPath(import.meta.url));
const config = configOrExit();
const paths = outputPaths(config.reportsDir);
const outputDir = paths.contract;
const baseUrl = process.env[targetEnv.baseUrl] ?? config.authBaseUrl;

// A bad policy file or CONTRACT_POLICY entry stops the run here, in one line, before any target starts.
try {
  policyFor(config);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`contract: ${error.message}`);
  process.exit(2);
}

// HTTPS_PROXY / HTTP_PROXY / NO_PROXY as k6 applies them (loopback stays direct); the byte-exact client in
// support/http.ts decides the same way itself. NODE_EXTRA_CA_CERTS needs nothing here: workers inherit the env.
const proxy = (() => {
  try {
    return playwrightProxy(config.proxy, [baseUrl, process.env[targetEnv.faultBaseUrl] || config.authFaultBaseUrl]);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`contract: ${error.message}`);
    process.exit(2);
  }
})();

// Paced runs (CONTRACT_MAX_RPS) are slower by design: the largest test sends ~250 requests, which the workers share.
const pacedTimeoutMs = config.contractMaxRps === undefined ? 0 : Math.ceil((250 * 2 * 1000) / config.contractMaxRps);

export default defineConfig({
  testDir: join(here, 'specs'),
  outputDir: join(outputDir, 'artifacts'),
  globalSetup: join(here, 'support', 'global-setup.ts'),
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000 + pacedTimeoutMs,
  // A bound for the whole run, roomy enough for `--repeat-each 20` on a busy machine.
  globalTimeout: 20 * 60_000,
  reportSlowTests: null,
  use: {
    ...(baseUrl === undefined ? {} : { baseURL: baseUrl }),
    ...(proxy === undefined ? {} : { proxy }),
    trace: 'off',
  },
  reporter: [
    ['list'],
    ['json', { outputFile: paths.contractResults }],
    // For CI test-result tools and anything that reads JUnit (the job summary counts it: reports/summary).
    ['junit', { outputFile: join(outputDir, 'junit.xml') }],
    [
      'allure-playwright',
      {
        resultsDir: paths.allureResults,
        detail: false,
        suiteTitle: false,
        categories: allureCategories,
      },
    ],
    [join(here, 'support', 'contract-reporter.ts')],
  ],
  projects: [
    { name: 'reachability', testMatch: /reachability\.setup\.ts$/ },
    { name: 'contract', testMatch: /\.spec\.ts$/, dependencies: ['reachability'] },
  ],
});
