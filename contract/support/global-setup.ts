// Resolves the target once for the whole run: AUTH_BASE_URL as configured, or (unset) the reference service on a
// free loopback port plus a second reference with a dead identity upstream, so the documented 502 is inducible.
// URLs reach workers and reporters through the environment. Returns the teardown that stops what it started.
// First it removes the previous run's results (start-clean.ts), so Allure never shows them as retries.
import type { FullConfig } from '@playwright/test';
import { loadConfig } from '../../config/index.ts';
import { loadContractLimits } from '../../config/limits.ts';
import { outputPaths } from '../../core/layout.ts';
import { startTarget } from '../../core/target.ts';
import { startReference } from '../../reference/launch.ts';
import { startCoordinator } from './coordinator.ts';
import { startClean } from './start-clean.ts';
import { loadSpec } from '../validator/spec.ts';
import { targetEnv } from './target-env.ts';

/** Few load accounts: the contract needs only the main account, and each one costs an argon2id hash at start-up. */
const contractLoadAccounts = 1;

export default async function globalSetup(playwrightConfig: FullConfig): Promise<() => Promise<void>> {
  const started = Date.now();
  let target;
  let config;
  try {
    // The long-input limits are data: a broken file is one line here, before any target starts.
    loadContractLimits();
  } catch (error) {
    const message = `contract: ${(error as Error).message}`;
    const clean = new Error(message);
    clean.stack = message;
    throw clean;
  }
  try {
    // A broken pinned spec is reported once, here, before any target starts.
    process.env[targetEnv.specChecked] = loadSpec().sha256;
    config = loadConfig();
    startClean(playwrightConfig, [outputPaths(config.reportsDir).contractCoverage]);
    target = await startTarget(config, startReference, { faultTarget: true, loadAccounts: contractLoadAccounts });
  } catch (error) {
    // One line, no stack: the cause is the user's configuration or a target that cannot start.
    const message = `contract: cannot prepare the target: ${(error as Error).message.split('\n')[0] ?? String(error)}`;
    const clean = new Error(message);
    clean.stack = message;
    throw clean;
  }
  process.env[targetEnv.baseUrl] = target.baseUrl;
  if (target.faultBaseUrl !== undefined) process.env[targetEnv.faultBaseUrl] = target.faultBaseUrl;
  else delete process.env[targetEnv.faultBaseUrl];
  process.env[targetEnv.managed] = String(target.managed);
  const coordinator = await startCoordinator(config.contractMaxRps);
  process.env[targetEnv.coordinator] = coordinator.url;
  const what = target.managed ? 'started the reference service' : 'target';
  console.log(
    `contract: ${what} at ${target.baseUrl}${target.faultBaseUrl ? ` (fault target ${target.faultBaseUrl})` : ''}` +
      (target.managed ? ` in ${Date.now() - started} ms` : ''),
  );
  if (config.contractMaxRps !== undefined)
    console.log(`contract: paced at ${config.contractMaxRps} requests/s (CONTRACT_MAX_RPS)`);
  return async () => {
    await coordinator.stop();
    await target.stop();
  };
}
