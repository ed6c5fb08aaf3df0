// What every worker needs, built once per worker: the configuration, the pinned spec, the validator and the target
// URLs that the global setup resolved (passed through the environment, as Playwright recommends).
import { loadConfig } from '../../config/index.ts';
import type { SuiteConfig } from '../../config/index.ts';
import { loadSpec } from '../validator/spec.ts';
import type { LoadedSpec } from '../validator/spec.ts';
import { ResponseValidator } from '../validator/validator.ts';
import { loginOperationId } from '../checks/documented.ts';
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
}

let cached: SuiteContext | undefined;

export function suiteContext(): SuiteContext {
  if (cached !== undefined) return cached;
  const config = loadConfig();
  const baseUrl = process.env[targetEnv.baseUrl] ?? config.authBaseUrl;
  if (baseUrl === undefined) {
    throw new Error(
      `${targetEnv.baseUrl} is not set: run the suite with npm run contract (its global setup starts the target)`,
    );
  }
  const spec = loadSpec(undefined, { checkedSha256: process.env[targetEnv.specChecked] });
  const secrets = [config.login.password];
  const validator = new ResponseValidator(spec, secrets);
  cached = {
    config,
    spec,
    validator,
    baseUrl,
    faultBaseUrl: process.env[targetEnv.faultBaseUrl] || config.authFaultBaseUrl,
    managed: process.env[targetEnv.managed] === 'true',
    secrets,
    login: validator.operation(loginOperationId),
  };
  return cached;
}
