// What every worker needs, built once per worker: the configuration, the pinned spec, the validator and the target
// URLs that the global setup resolved (passed through the environment, as Playwright recommends).
import { loadConfig } from '../../config/index.ts';
import type { SuiteConfig } from '../../config/index.ts';
import { loadContractLimits } from '../../config/limits.ts';
import type { ContractLimits } from '../../config/limits.ts';
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
  /** What verifies the jwt's signature, or undefined (a remote target without JWT_PUBLIC_KEY / JWT_JWKS_URL). */
  readonly jwtKey: JwtKeySource | undefined;
  /** Long-input sizes and the long-password cost bound (config/contract-limits.json). */
  readonly limits: ContractLimits;
}

/** Where the jwt's verification key comes from; `source` names it in reports (never the key itself). */
export type JwtKeySource =
  | { readonly kind: 'public-key'; readonly pem: string; readonly source: string }
  | { readonly kind: 'jwks-url'; readonly url: string; readonly source: string };

/** Path where the managed reference publishes its JWKS (reference/app.ts JWKS_PATH). */
export const referenceJwksPath = '/.well-known/jwks.json';

/** JWT_PUBLIC_KEY wins, then JWT_JWKS_URL, then — for the managed reference only — its own JWKS. */
export function jwtKeySource(config: SuiteConfig, baseUrl: string, managed: boolean): JwtKeySource | undefined {
  if (config.jwtPublicKey !== undefined)
    return { kind: 'public-key', pem: config.jwtPublicKey, source: 'JWT_PUBLIC_KEY' };
  if (config.jwtJwksUrl !== undefined)
    return { kind: 'jwks-url', url: config.jwtJwksUrl, source: `JWT_JWKS_URL ${config.jwtJwksUrl}` };
  if (managed)
    return { kind: 'jwks-url', url: `${baseUrl}${referenceJwksPath}`, source: "the managed reference's JWKS" };
  return undefined;
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
  const managed = target !== undefined ? target.managed : process.env[targetEnv.managed] === 'true';
  cached = {
    config,
    spec,
    validator,
    baseUrl,
    faultBaseUrl:
      target !== undefined ? target.faultBaseUrl : process.env[targetEnv.faultBaseUrl] || config.authFaultBaseUrl,
    managed,
    secrets,
    login: validator.operation(loginOperationId),
    coordination:
      process.env[targetEnv.coordinator] !== undefined && process.env[targetEnv.coordinator] !== ''
        ? remoteCoordination(process.env[targetEnv.coordinator] as string)
        : localCoordination(config.contractMaxRps),
    jwtKey: jwtKeySource(config, baseUrl, managed),
    limits: loadContractLimits(),
  };
  return cached;
}
