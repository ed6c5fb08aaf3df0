// The one typed configuration loader. Precedence: process env > `.env` > `config/environments/<TARGET_ENV>.env`.
// Every problem is a ConfigError whose message is one line naming the variable and what is expected.
// NODE_EXTRA_CA_CERTS and the proxy variables come from the process environment only (Node and k6 read them there).
import { createPublicKey } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'dotenv';
import { ProxyConfigError, proxySettingsFromEnv, describeProxy } from './proxy.ts';
import type { ProxySettings } from './proxy.ts';
import { extraCaCertsProblem } from './tls.ts';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const environmentsDir = join(repoRoot, 'config', 'environments');

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface SuiteConfig {
  /** TARGET_ENV, default `local`: picks `config/environments/<name>.env`. */
  readonly targetEnv: string;
  /** That file, or undefined when it does not exist (then every variable comes from the environment or `.env`). */
  readonly environmentFile: string | undefined;
  /** AUTH_BASE_URL without trailing slash; undefined => the reference service is started on loopback. */
  readonly authBaseUrl: string | undefined;
  /** AUTH_FAULT_BASE_URL: a deployment whose identity upstream is down, to validate the documented 502. */
  readonly authFaultBaseUrl: string | undefined;
  /** NODE_EXTRA_CA_CERTS (process env only), checked readable and PEM: a private CA the target's certificate chains to. */
  readonly extraCaCerts: string | undefined;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY (process env only), with Go's (k6's) rules: see config/proxy.ts. */
  readonly proxy: ProxySettings;
  readonly login: { readonly identifier: string; readonly password: string };
  /** LOAD_ACCOUNTS_FILE as an absolute path (relative values resolve against the repository root). */
  readonly loadAccountsFile: string | undefined;
  /** CONTRACT_WAIVERS `status=reason,...`: documented responses this environment cannot produce, with why. */
  readonly contractWaivers: ReadonlyMap<number, string>;
  /** JWT_ALG_ALLOWLIST: JWS `alg` values a login may issue. `none` is never allowed. */
  readonly jwtAlgAllowList: readonly string[];
  /** JWT_JWKS_URL: where the target publishes its JWT signing keys (a JWKS), to verify the jwt's signature. */
  readonly jwtJwksUrl: string | undefined;
  /** JWT_PUBLIC_KEY (PEM, a JWK, or a file holding one), checked and kept as an SPKI PEM; wins over JWT_JWKS_URL. */
  readonly jwtPublicKey: string | undefined;
  /** CORS_ALLOWED_ORIGINS: origins this environment may reflect with credentials (scheme://host[:port]). */
  readonly corsAllowedOrigins: readonly string[];
  /** ALLOW_REMOTE_LOAD: non-loopback hostnames a load run may target. */
  readonly allowRemoteLoad: readonly string[];
  /** REPORTS_DIR as an absolute path, default `reports/output`. */
  readonly reportsDir: string;
  /** PROBE_IDENTIFIER / PROBE_PASSWORD: an optional second account that takes the wrong-password probes. */
  readonly probe: { readonly identifier: string; readonly password: string } | undefined;
  /** CONTRACT_MAX_RPS: the contract run's request-rate cap across all workers; undefined = no cap. */
  readonly contractMaxRps: number | undefined;
  /** CONTRACT_POLICY_FILE and CONTRACT_POLICY as set (config/policy.ts reads them against the clause catalog). */
  readonly contractPolicy: { readonly file: string | undefined; readonly overrides: string | undefined };
}

export const defaultJwtAlgs = [
  ...['HS', 'RS', 'ES', 'PS'].flatMap((family) => ['256', '384', '512'].map((bits) => family + bits)),
  'EdDSA',
] as const;

const documentedStatuses = new Set([200, 400, 401, 502]);
const secretNames = new Set(['LOGIN_PASSWORD', 'PROBE_PASSWORD']);

/** Every variable the suite reads, with what it means (the README and .env.example list the same). */
export const variables = {
  TARGET_ENV: 'environment name: picks config/environments/<name>.env (default local)',
  AUTH_BASE_URL: 'base URL of the authentication host; unset => the reference service on loopback',
  AUTH_FAULT_BASE_URL: 'optional: a deployment whose identity upstream fails, to validate the documented 502',
  LOGIN_IDENTIFIER: 'email identifier of one valid account',
  LOGIN_PASSWORD: 'password of that account (secret)',
  LOAD_ACCOUNTS_FILE: 'JSON array of {identifier, password} for load runs; the reference writes it for local runs',
  CONTRACT_WAIVERS:
    'comma-separated status=reason entries waiving documented responses this environment cannot produce',
  JWT_ALG_ALLOWLIST: `comma-separated JWS alg values accepted (default ${defaultJwtAlgs.join(',')}); none is refused`,
  JWT_JWKS_URL: "optional: the target's JWKS URL, so the jwt's signature is verified (the managed reference: its own)",
  JWT_PUBLIC_KEY:
    'optional: the public key that signs the jwt (PEM, a JWK, or a file holding one); wins over JWT_JWKS_URL',
  CORS_ALLOWED_ORIGINS: 'comma-separated origins the target may reflect with Access-Control-Allow-Credentials: true',
  ALLOW_REMOTE_LOAD: 'comma-separated hostnames a load run may target besides loopback',
  REPORTS_DIR: 'where reports are written (default reports/output)',
  PROBE_IDENTIFIER: 'optional second account that takes the wrong-password probes (lockout-safe runs)',
  PROBE_PASSWORD: 'password of the probe account (secret); lets the suite reset its failure counter',
  CONTRACT_MAX_RPS: "cap on the contract run's request rate across all workers (requests/s; unset = no cap)",
  CONTRACT_POLICY_FILE: 'clause policy file replacing config/contract-policy.json',
  CONTRACT_POLICY: 'comma-separated CLAUSE-ID=verdict or kind=verdict overrides (verdicts: gate, advisory, off)',
} as const;

function readEnvFile(path: string, what: string): Record<string, string> {
  try {
    return parse(readFileSync(path));
  } catch (error) {
    throw new ConfigError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

export function availableEnvironments(): string[] {
  if (!existsSync(environmentsDir)) return [];
  return readdirSync(environmentsDir)
    .filter((f) => f.endsWith('.env'))
    .map((f) => f.slice(0, -'.env'.length))
    .sort();
}

/** The merged raw variables: process env over `.env` over the environment file. */
export function resolveVariables(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const dotEnvPath = join(repoRoot, '.env');
  const dotEnv = existsSync(dotEnvPath) ? readEnvFile(dotEnvPath, '.env file') : {};
  const targetEnv = nonEmpty(env.TARGET_ENV) ?? nonEmpty(dotEnv.TARGET_ENV) ?? 'local';
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(targetEnv)) {
    throw new ConfigError(`TARGET_ENV="${targetEnv}" is not a valid environment name (letters, digits, - and _)`);
  }
  const envFile = join(environmentsDir, `${targetEnv}.env`);
  const hasFile = existsSync(envFile);
  // No file is fine when the target comes from the environment (e.g. a CI environment whose variables are secrets).
  if (!hasFile && nonEmpty(env.AUTH_BASE_URL) === undefined && nonEmpty(dotEnv.AUTH_BASE_URL) === undefined) {
    throw new ConfigError(
      `TARGET_ENV="${targetEnv}" has no config/environments/${targetEnv}.env and AUTH_BASE_URL is not set: set AUTH_BASE_URL, LOGIN_IDENTIFIER and LOGIN_PASSWORD in the environment, or create that file (known: ${availableEnvironments().join(', ')})`,
    );
  }
  const fromFile = hasFile ? readEnvFile(envFile, 'environment file') : {};
  const merged: Record<string, string | undefined> = { ...fromFile, ...dotEnv };
  for (const name of Object.keys(variables)) {
    if (env[name] !== undefined) merged[name] = env[name];
  }
  merged.TARGET_ENV = targetEnv;
  return merged;
}

/**
 * REPORTS_DIR as an absolute path (default `reports/output`), with loadConfig's precedence (process env > `.env` >
 * the environment file) but none of its target checks: the one resolution, for loadConfig and for the tools that need
 * no target (report builders, through core/layout.ts).
 */
export function resolveReportsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REPORTS_DIR !== undefined) return reportsDirFrom(env.REPORTS_DIR);
  const dotEnvPath = join(repoRoot, '.env');
  const dotEnv = existsSync(dotEnvPath) ? readEnvFile(dotEnvPath, '.env file') : {};
  if (dotEnv.REPORTS_DIR !== undefined) return reportsDirFrom(dotEnv.REPORTS_DIR);
  const targetEnv = nonEmpty(env.TARGET_ENV) ?? nonEmpty(dotEnv.TARGET_ENV) ?? 'local';
  const envFile = join(environmentsDir, `${targetEnv}.env`);
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(targetEnv) || !existsSync(envFile)) return reportsDirFrom(undefined);
  return reportsDirFrom(readEnvFile(envFile, 'environment file').REPORTS_DIR);
}

function reportsDirFrom(value: string | undefined): string {
  return resolve(repoRoot, nonEmpty(value) ?? 'reports/output');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): SuiteConfig {
  const vars = resolveVariables(env);
  const targetEnv = vars.TARGET_ENV ?? 'local';
  const authBaseUrl = parseBaseUrl('AUTH_BASE_URL', nonEmpty(vars.AUTH_BASE_URL));
  if (authBaseUrl === undefined && targetEnv !== 'local') {
    throw new ConfigError(
      `AUTH_BASE_URL is required for TARGET_ENV=${targetEnv}: only local runs start the reference service`,
    );
  }
  const managed = authBaseUrl === undefined;
  const envFile = join(environmentsDir, `${targetEnv}.env`);
  return {
    targetEnv,
    environmentFile: existsSync(envFile) ? envFile : undefined,
    authBaseUrl,
    authFaultBaseUrl: parseBaseUrl('AUTH_FAULT_BASE_URL', nonEmpty(vars.AUTH_FAULT_BASE_URL)),
    extraCaCerts: parseCaFile(nonEmpty(env.NODE_EXTRA_CA_CERTS)),
    proxy: parseProxies(env),
    login: {
      identifier: required(vars, 'LOGIN_IDENTIFIER', targetEnv, managed),
      password: required(vars, 'LOGIN_PASSWORD', targetEnv, managed),
    },
    loadAccountsFile: parseReadableFile('LOAD_ACCOUNTS_FILE', nonEmpty(vars.LOAD_ACCOUNTS_FILE)),
    contractWaivers: parseWaivers(nonEmpty(vars.CONTRACT_WAIVERS)),
    jwtAlgAllowList: parseAlgs(nonEmpty(vars.JWT_ALG_ALLOWLIST)),
    jwtJwksUrl: parseJwksUrl(nonEmpty(vars.JWT_JWKS_URL)),
    jwtPublicKey: parsePublicKey(nonEmpty(vars.JWT_PUBLIC_KEY)),
    corsAllowedOrigins: parseOrigins(nonEmpty(vars.CORS_ALLOWED_ORIGINS)),
    allowRemoteLoad: splitList(nonEmpty(vars.ALLOW_REMOTE_LOAD)).map((h) => h.toLowerCase()),
    reportsDir: reportsDirFrom(vars.REPORTS_DIR),
    probe: parseProbe(nonEmpty(vars.PROBE_IDENTIFIER), nonEmpty(vars.PROBE_PASSWORD), nonEmpty(vars.LOGIN_IDENTIFIER)),
    contractMaxRps: parsePositiveNumber('CONTRACT_MAX_RPS', nonEmpty(vars.CONTRACT_MAX_RPS), 10_000),
    contractPolicy: { file: nonEmpty(vars.CONTRACT_POLICY_FILE), overrides: nonEmpty(vars.CONTRACT_POLICY) },
  };
}

/** The configuration as printable strings, secrets redacted. */
export function describeConfig(config: SuiteConfig): Record<string, string> {
  return {
    TARGET_ENV:
      config.environmentFile === undefined
        ? `${config.targetEnv} (no config/environments/${config.targetEnv}.env: variables from the environment)`
        : config.targetEnv,
    AUTH_BASE_URL: config.authBaseUrl ?? '(unset: reference service on loopback)',
    AUTH_FAULT_BASE_URL: config.authFaultBaseUrl ?? '(unset)',
    NODE_EXTRA_CA_CERTS: config.extraCaCerts ?? '(unset: public CAs only)',
    ...describeProxy(config.proxy),
    LOGIN_IDENTIFIER: config.login.identifier,
    LOGIN_PASSWORD: redact(config.login.password),
    LOAD_ACCOUNTS_FILE: config.loadAccountsFile ?? '(unset)',
    CONTRACT_WAIVERS: [...config.contractWaivers].map(([s, r]) => `${s}=${r}`).join(', ') || '(none)',
    JWT_ALG_ALLOWLIST: config.jwtAlgAllowList.join(','),
    JWT_JWKS_URL:
      config.jwtJwksUrl ?? '(unset: the managed reference publishes its own; a remote target is not verified)',
    JWT_PUBLIC_KEY:
      config.jwtPublicKey === undefined
        ? '(unset)'
        : `(set: ${createPublicKey(config.jwtPublicKey).asymmetricKeyType ?? 'key'})`,
    CORS_ALLOWED_ORIGINS: config.corsAllowedOrigins.join(',') || '(none: no origin may be reflected with credentials)',
    ALLOW_REMOTE_LOAD: config.allowRemoteLoad.join(',') || '(none)',
    REPORTS_DIR: config.reportsDir,
    PROBE_IDENTIFIER:
      config.probe?.identifier ?? '(unset: wrong-password probes use LOGIN_IDENTIFIER, reset by a valid login)',
    PROBE_PASSWORD: config.probe === undefined ? '(unset)' : redact(config.probe.password),
    CONTRACT_MAX_RPS: config.contractMaxRps === undefined ? '(no cap)' : String(config.contractMaxRps),
    CONTRACT_POLICY_FILE: config.contractPolicy.file ?? '(default: config/contract-policy.json)',
    CONTRACT_POLICY: config.contractPolicy.overrides ?? '(none)',
  };
}

export function redact(secret: string): string {
  return secret === '' ? '(empty)' : '***';
}

export function isSecretVariable(name: string): boolean {
  return secretNames.has(name);
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

function required(vars: Record<string, string | undefined>, name: string, targetEnv: string, managed: boolean): string {
  const value = nonEmpty(vars[name]);
  if (value !== undefined) return value;
  const hint = managed
    ? `set it in config/environments/${targetEnv}.env or the environment`
    : `set ${name} in the environment (or .env) for TARGET_ENV=${targetEnv}`;
  throw new ConfigError(`${name} is required but not set: ${hint}`);
}

function parseBaseUrl(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name}="${value}" is not a valid URL: expected e.g. https://auth.example.com`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name}="${value}" must use http or https, not ${url.protocol.slice(0, -1)}`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(`${name}="${url.origin}…" must be a plain base URL without credentials, query or fragment`);
  }
  return url.href.replace(/\/+$/, '');
}

function parseCaFile(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const problem = extraCaCertsProblem(value);
  if (problem !== undefined) throw new ConfigError(problem);
  return resolve(value);
}

function parseProxies(env: NodeJS.ProcessEnv): ProxySettings {
  try {
    return proxySettingsFromEnv(env);
  } catch (error) {
    if (error instanceof ProxyConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

function parseReadableFile(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const path = isAbsolute(value) ? value : resolve(repoRoot, value);
  try {
    accessSync(path, constants.R_OK);
    if (!statSync(path).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is not a file'
          : `is not readable (${code ?? 'error'})`;
    throw new ConfigError(`${name}="${value}" ${why}: point it at a JSON array of {identifier, password}`);
  }
  return path;
}

function parseWaivers(value: string | undefined): ReadonlyMap<number, string> {
  const waivers = new Map<number, string>();
  for (const entry of splitList(value)) {
    const match = /^(\d{3})\s*=\s*(.+)$/.exec(entry);
    const status = Number(match?.[1]);
    if (!match?.[2] || !documentedStatuses.has(status)) {
      throw new ConfigError(
        `CONTRACT_WAIVERS entry "${entry}" is invalid: expected status=reason with a documented status (200, 400, 401, 502)`,
      );
    }
    waivers.set(status, match[2].trim());
  }
  return waivers;
}

function parseProbe(
  identifier: string | undefined,
  password: string | undefined,
  main: string | undefined,
): SuiteConfig['probe'] {
  if (identifier === undefined && password === undefined) return undefined;
  if (identifier === undefined || password === undefined) {
    throw new ConfigError(
      `${identifier === undefined ? 'PROBE_IDENTIFIER' : 'PROBE_PASSWORD'} is not set but ${identifier === undefined ? 'PROBE_PASSWORD' : 'PROBE_IDENTIFIER'} is: set both (the suite logs in with the probe account to reset its failure counter) or neither`,
    );
  }
  if (identifier === main) {
    throw new ConfigError('PROBE_IDENTIFIER equals LOGIN_IDENTIFIER: the probe account must be a second account');
  }
  return { identifier, password };
}

function parsePositiveNumber(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(n > 0) || n > max) {
    throw new ConfigError(`${name}="${value}" must be a number of requests per second above 0 and at most ${max}`);
  }
  return n;
}

function parseAlgs(value: string | undefined): readonly string[] {
  if (value === undefined) return defaultJwtAlgs;
  const algs = splitList(value);
  if (algs.some((alg) => alg.toLowerCase() === 'none')) {
    throw new ConfigError('JWT_ALG_ALLOWLIST must not contain "none": an unsigned token is never acceptable');
  }
  if (algs.length === 0) throw new ConfigError('JWT_ALG_ALLOWLIST is empty: list JWS algs such as ES256,EdDSA');
  return algs;
}

function parseJwksUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `JWT_JWKS_URL="${value}" is not a valid URL: expected e.g. https://auth.example.com/.well-known/jwks.json`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`JWT_JWKS_URL="${value}" must use http or https, not ${url.protocol.slice(0, -1)}`);
  }
  return url.href;
}

/** PEM text, a JWK (JSON), or a file holding either (relative to the repository root): checked, returned as SPKI PEM. */
function parsePublicKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const inline = value.startsWith('-----BEGIN') || value.startsWith('{');
  let text = value;
  if (!inline) {
    const path = isAbsolute(value) ? value : resolve(repoRoot, value);
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(
        `JWT_PUBLIC_KEY="${value}" is neither a PEM nor a JWK, and not a readable file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  try {
    const key = text.startsWith('{')
      ? createPublicKey({ key: JSON.parse(text) as JsonWebKey, format: 'jwk' })
      : createPublicKey(text.replace(/\\n/g, '\n'));
    // createPublicKey derives the public half of a private key: refuse one, a private key has no place here.
    if (/PRIVATE KEY/.test(text) || /"d"\s*:/.test(text)) throw new Error('a private key');
    return key.export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    const where = inline ? 'JWT_PUBLIC_KEY' : `JWT_PUBLIC_KEY="${value}"`;
    throw new ConfigError(
      `${where} is not a usable public key: expected a PEM public key (-----BEGIN PUBLIC KEY-----) or a public JWK`,
    );
  }
}

function parseOrigins(value: string | undefined): readonly string[] {
  return splitList(value).map((origin) => {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (url === undefined || url.origin === 'null' || url.origin !== origin.replace(/\/$/, '').toLowerCase()) {
      throw new ConfigError(
        `CORS_ALLOWED_ORIGINS entry "${origin}" is not an origin: expected scheme://host[:port], e.g. https://app.example.com`,
      );
    }
    return url.origin;
  });
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
