// What every worker needs, built once per worker: the configuration, the pinned spec, the validator and the target
// URLs that the global setup resolved (passed through the environment, as Playwright recommends).
import { loadConfig } from '../../config/index.ts';
import type { SuiteConfig } from '../../config/index.ts';
import { loadSpec } from '../validator/spec.ts';
import type { LoadedSpec } from '../validator/spec.ts';
import { ResponseValidator } from '../validator/validator.ts';
import { loginOperationId } from '../checks/documented.ts';
import { localCoordination, remoteCoordination } from './coordinator.ts';
import type { Coordination } from './coordinator.ts';
import { targetEnv } from './target-env.ts';

export interface SuiteContext {
  readonly config: SuiteConfig;
  readonly spec: LoadedSpec;
  readonly validator: ResponseValidator;
  readonly baseUrl: string;
  readonly faultBaseUrl: string | undefined;
  /** True when the suite started the reference itself. */
  readonly managed: boolean;
  /** Values to redact wherever they appear. */
  readonly secrets: readonly string[];
  readonly login: { readonly method: string; readonly path: string };
  /** Pacing (CONTRACT_MAX_RPS) and the account guard, shared by every worker of the run. */
  readonly coordination: Coordination;
}

/**
 * A Playwright project may carry its own target in `metadata[projectTargetKey]` (the self-test runs one project per
 * defect against one multiplexing reference); otherwise the target comes from the environment the global setup set.
 */
export const projectTargetKey = 'contractTarget';
export interface ProjectTarget {
  readonly baseUrl: string;
  readonly faultBaseUrl: string | undefined;
  readonly managed: boolean;
}

export function projectTarget(metadata: Readonly<Record<string, unknown>> | undefined): ProjectTarget | undefined {
  const value = metadata?.[projectTargetKey] as Partial<ProjectTarget> | undefined;
  if (value === undefined) return undefined;
  if (typeof value.baseUrl !== 'string') throw new Error(`project metadata ${projectTargetKey}.baseUrl must be a URL`);
  return { baseUrl: value.baseUrl, faultBaseUrl: value.faultBaseUrl, managed: value.managed === true };
}

let cached: SuiteContext | undefined;

/** Built once per worker (a worker serves one project, so one target). */
export function suiteContext(target?: ProjectTarget): SuiteContext {
  if (cached !== undefined) {
    if (target !== undefined && target.baseUrl !== cached.baseUrl) {
      throw new Error(`this worker already tests ${cached.baseUrl}, not ${target.baseUrl}`);
    }
    return cached;
  }
  const config = loadConfig();
  const baseUrl = target?.baseUrl ?? process.env[targetEnv.baseUrl] ?? config.authBaseUrl;
  if (baseUrl === undefined) {
    throw new Error(
      `${targetEnv.baseUrl} is not set: run the suite with npm run contract (its global setup starts the target)`,
    );
  }
  const spec = loadSpec(undefined, { checkedSha256: process.env[targetEnv.specChecked] });
  const secrets = [config.login.password, ...(config.probe ? [config.probe.password] : [])];
  const validator = new ResponseValidator(spec, secrets);
  cached = {
    config,
    spec,
    validator,
    baseUrl,
    faultBaseUrl:
      target !== undefined ? target.faultBaseUrl : process.env[targetEnv.faultBaseUrl] || config.authFaultBaseUrl,
    managed: target !== undefined ? target.managed : process.env[targetEnv.managed] === 'true',
    secrets,
    login: validator.operation(loginOperationId),
    coordination:
      process.env[targetEnv.coordinator] !== undefined && process.env[targetEnv.coordinator] !== ''
        ? remoteCoordination(process.env[targetEnv.coordinator] as string)
        : localCoordination(config.contractMaxRps),
  };
  return cached;
}
