// Command-line flags (and their REFERENCE_* environment twins) for the reference and identity entries. Flags win
// over the environment. Anything invalid is a UsageError whose message is one line: what is wrong, how to fix it.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { DEFAULT_LOAD_ACCOUNTS, MAX_LOAD_ACCOUNTS } from './accounts.ts';
import { defectByName } from './defects.ts';
import { COOKIE_NAME } from './session-cookie.ts';
import type { HashCost } from './hashing.ts';
import { HASH_COSTS } from './hashing.ts';
import { IDENTITY_SCHEME } from './identity/wire.ts';
import { parseCommandLine, type ArgProblem } from '../core/args.ts';
import { UserError } from '../core/errors.ts';

/** A bad flag or REFERENCE_* value: exit 2, one line (a UserError, see core/errors.ts). */
export class UsageError extends UserError {
  override readonly name = 'UsageError';
}

interface FlagSpec {
  /** Environment variable read when the flag is absent. */
  readonly env?: string;
  readonly boolean?: true;
}

type Raw = ReadonlyMap<string, { value: string; source: string }>;

/**
 * `--name value`, `--name=value`, boolean `--name` (node:util parseArgs through core/args.ts); unknown flags and stray
 * arguments are errors. A flag absent from the command line is read from its environment twin.
 */
export function parseFlags(
  argv: readonly string[],
  specs: Readonly<Record<string, FlagSpec>>,
  env: NodeJS.ProcessEnv,
): Raw {
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      { type: spec.boolean ? ('boolean' as const) : ('string' as const) },
    ]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseCommandLine(argv, { options }, { usage: '(see --help)', describe: describeFlagProblem }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const raw = new Map<string, { value: string; source: string }>();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) raw.set(name, { value: String(value), source: `--${name}` });
  }
  for (const [name, spec] of Object.entries(specs)) {
    const value = spec.env === undefined ? undefined : env[spec.env];
    if (!raw.has(name) && value !== undefined && value !== '') raw.set(name, { value, source: spec.env! });
  }
  return raw;
}

function describeFlagProblem(problem: ArgProblem): string {
  switch (problem.kind) {
    case 'unknown':
      return `unknown flag ${problem.arg} (see --help)`;
    case 'positional':
      return `unexpected argument "${problem.arg}": flags look like --name value (see --help)`;
    case 'unexpected-value':
      return `${problem.arg} takes no value`;
    case 'missing-value':
      return `${problem.arg} needs a value (e.g. ${problem.arg} VALUE)`;
  }
}

function integer(raw: Raw, name: string, fallback: number, min: number, max: number): number {
  const entry = raw.get(name);
  if (!entry) return fallback;
  if (!/^\d+$/.test(entry.value) || Number(entry.value) < min || Number(entry.value) > max) {
    throw new UsageError(`${entry.source}="${entry.value}" must be an integer from ${min} to ${max}`);
  }
  return Number(entry.value);
}

function share(raw: Raw, name: string): number {
  const entry = raw.get(name);
  if (!entry) return 0;
  const n = Number(entry.value);
  if (!/^\d*\.?\d+$/.test(entry.value) || n < 0 || n > 1) {
    throw new UsageError(`${entry.source}="${entry.value}" must be a number from 0 to 1 (e.g. 0.05 for 5%)`);
  }
  return n;
}

function hashCost(raw: Raw): HashCost {
  const entry = raw.get('hash-cost');
  if (!entry) return 'owasp';
  if (!(HASH_COSTS as readonly string[]).includes(entry.value)) {
    throw new UsageError(`${entry.source}="${entry.value}" must be one of: ${HASH_COSTS.join(', ')}`);
  }
  return entry.value as HashCost;
}

export const JSON_DUPLICATES = ['reject', 'last'] as const;
export type JsonDuplicates = (typeof JSON_DUPLICATES)[number];

function jsonDuplicates(raw: Raw): JsonDuplicates {
  const entry = raw.get('json-duplicates');
  if (!entry) return 'reject';
  if (!(JSON_DUPLICATES as readonly string[]).includes(entry.value)) {
    throw new UsageError(
      `${entry.source}="${entry.value}" must be reject (400, the default) or last (keep the last value)`,
    );
  }
  return entry.value as JsonDuplicates;
}

function defect(raw: Raw): string | undefined {
  const entry = raw.get('defect');
  if (!entry) return undefined;
  if (!defectByName.has(entry.value)) {
    throw new UsageError(`${entry.source}="${entry.value}" is not a known defect (list them with --list-defects)`);
  }
  return entry.value;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export type Upstream =
  { readonly kind: 'managed' } | { readonly kind: 'dead' } | { readonly kind: 'url'; readonly url: string };

function upstream(raw: Raw): Upstream {
  const entry = raw.get('upstream');
  if (!entry || entry.value === 'managed') return { kind: 'managed' };
  if (entry.value === 'dead') return { kind: 'dead' };
  const expected = 'must be managed, dead or a loopback identity address like tcp://127.0.0.1:4100';
  let url: URL;
  try {
    url = new URL(entry.value);
  } catch {
    throw new UsageError(`${entry.source}="${entry.value}" ${expected}`);
  }
  if (!LOOPBACK_HOSTS.has(url.hostname)) throw new UsageError(`${entry.source}="${entry.value}" ${expected}`);
  if (url.protocol !== IDENTITY_SCHEME || url.port === '' || url.pathname !== '' || url.search !== '') {
    throw new UsageError(
      `${entry.source}="${entry.value}" ${expected} (the identity service speaks framed JSON over TCP, not HTTP; no path)`,
    );
  }
  return { kind: 'url', url: `tcp://${url.hostname}:${url.port}` };
}

// ---- the reference (API) entry ----

/** HTTPS instead of HTTP: the PEM files as given, and their contents (read and checked at start). */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

function tlsFiles(raw: Raw): TlsFiles | undefined {
  const cert = raw.get('tls-cert');
  const key = raw.get('tls-key');
  if (!cert && !key) return undefined;
  if (!cert || !key) {
    throw new UsageError(
      `${(cert ?? key)!.source} needs its pair: pass both --tls-cert FILE and --tls-key FILE (or neither, for plain HTTP)`,
    );
  }
  const read = (entry: { value: string; source: string }): Buffer => {
    try {
      return readFileSync(entry.value);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UsageError(`${entry.source}="${entry.value}" cannot be read (${reason}): pass a readable PEM file`);
    }
  };
  const files = { certFile: cert.value, keyFile: key.value, cert: read(cert), key: read(key) };
  try {
    createSecureContext({ cert: files.cert, key: files.key }); // fail at start, in one line, not at the first client
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new UsageError(
      `${cert.source}="${cert.value}" and ${key.source}="${key.value}" are not a PEM certificate and its private key (${reason})`,
    );
  }
  return files;
}

const MAX_LOCKOUT_AFTER = 1000;
const DEFAULT_LOCKOUT_S = 900; // Okta's and Keycloak's common 15 minutes
const MAX_LOCKOUT_S = 86_400;
const MAX_RATE_LIMIT = 1_000_000;
const MAX_JITTER_MS = 10_000;

export interface ServerOptions {
  readonly help: boolean;
  readonly listDefects: boolean;
  readonly port: number;
  readonly addedLatencyMs: number;
  readonly failRate: number;
  readonly hashCost: HashCost;
  readonly loadAccounts: number;
  readonly accountsOut: string | undefined;
  readonly upstream: Upstream;
  readonly defect: string | undefined;
  readonly jsonDuplicates: JsonDuplicates;
  /** Consecutive wrong passwords that lock an account; 0 = no lockout. */
  readonly lockoutAfter: number;
  readonly lockoutSeconds: number;
  /** Requests per second per client address; 0 = no limit. */
  readonly rateLimit: number;
  /** Each answer is delayed by a further uniformly random 0..N ms. */
  readonly jitterMs: number;
  /** Serve HTTPS with this certificate and key; undefined = plain HTTP. */
  readonly tls: TlsFiles | undefined;
  /** Also set the session as this cookie on a login and answer GET /api/auth/session; undefined = off. */
  readonly sessionCookie: string | undefined;
  readonly exitOnStdinClose: boolean;
}

export const SERVER_FLAGS = {
  help: { boolean: true },
  'list-defects': { boolean: true },
  port: { env: 'REFERENCE_PORT' },
  'added-latency-ms': { env: 'REFERENCE_ADDED_LATENCY_MS' },
  'fail-rate': { env: 'REFERENCE_FAIL_RATE' },
  'hash-cost': { env: 'REFERENCE_HASH_COST' },
  'load-accounts': { env: 'REFERENCE_LOAD_ACCOUNTS' },
  'accounts-out': { env: 'REFERENCE_ACCOUNTS_OUT' },
  upstream: { env: 'REFERENCE_UPSTREAM' },
  defect: { env: 'REFERENCE_DEFECT' },
  'json-duplicates': { env: 'REFERENCE_JSON_DUPLICATES' },
  'lockout-after': { env: 'REFERENCE_LOCKOUT_AFTER' },
  'lockout-s': { env: 'REFERENCE_LOCKOUT_S' },
  'rate-limit': { env: 'REFERENCE_RATE_LIMIT' },
  'jitter-ms': { env: 'REFERENCE_JITTER_MS' },
  'tls-cert': { env: 'REFERENCE_TLS_CERT' },
  'tls-key': { env: 'REFERENCE_TLS_KEY' },
  'session-cookie': { env: 'REFERENCE_SESSION_COOKIE' },
  'exit-on-stdin-close': { boolean: true },
} as const satisfies Record<string, FlagSpec>;

function sessionCookie(raw: Raw): string | undefined {
  const entry = raw.get('session-cookie');
  if (!entry) return undefined;
  if (!COOKIE_NAME.test(entry.value)) {
    throw new UsageError(
      `${entry.source}="${entry.value}" must be a cookie name: letters, digits and !#$%&'*+-.^_\`|~`,
    );
  }
  return entry.value;
}

export function parseServerOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const raw = parseFlags(argv, SERVER_FLAGS, env);
  const accountsOut = raw.get('accounts-out')?.value;
  return {
    help: raw.has('help'),
    listDefects: raw.has('list-defects'),
    port: integer(raw, 'port', 0, 0, 65535),
    addedLatencyMs: integer(raw, 'added-latency-ms', 0, 0, 60_000),
    failRate: share(raw, 'fail-rate'),
    hashCost: hashCost(raw),
    loadAccounts: integer(raw, 'load-accounts', DEFAULT_LOAD_ACCOUNTS, 0, MAX_LOAD_ACCOUNTS),
    accountsOut,
    upstream: upstream(raw),
    defect: defect(raw),
    jsonDuplicates: jsonDuplicates(raw),
    lockoutAfter: integer(raw, 'lockout-after', 0, 0, MAX_LOCKOUT_AFTER),
    lockoutSeconds: integer(raw, 'lockout-s', DEFAULT_LOCKOUT_S, 1, MAX_LOCKOUT_S),
    rateLimit: integer(raw, 'rate-limit', 0, 0, MAX_RATE_LIMIT),
    jitterMs: integer(raw, 'jitter-ms', 0, 0, MAX_JITTER_MS),
    tls: tlsFiles(raw),
    sessionCookie: sessionCookie(raw),
    exitOnStdinClose: raw.has('exit-on-stdin-close'),
  };
}

export const SERVER_USAGE = `Usage: npm run reference -- [flags]   (each flag also reads REFERENCE_<NAME> from the environment)
  --port N               listen port on 127.0.0.1 (default 0: a free port)
  --added-latency-ms N   delay every answer by N ms (default 0)
  --fail-rate P          answer this share (0..1) of logins 502, as an identity failure (default 0)
  --hash-cost C          argon2id cost: owasp (m=19456 KiB, t=2, p=1; default) or fast (tests only)
  --load-accounts N      seed N load accounts besides the main one (default ${DEFAULT_LOAD_ACCOUNTS})
  --accounts-out FILE    write the load accounts as JSON [{identifier, password}] (atomically)
  --upstream U           managed (start the identity service; default), dead (a closed port) or tcp://127.0.0.1:PORT
  --defect NAME          break one contract clause on purpose (see --list-defects)
  --json-duplicates M    a body repeating a key: reject (400; default) or last (accepted with the last value)
  --lockout-after N      lock an account after N consecutive wrong passwords (default 0: never); it answers 401
  --lockout-s S          how long a lock lasts, in seconds (default ${DEFAULT_LOCKOUT_S})
  --rate-limit N         at most N requests per second per client address, then 429 with Retry-After (default 0: off)
  --jitter-ms N          delay every answer by a further random 0..N ms, uniform (default 0; at most ${MAX_JITTER_MS})
  --tls-cert FILE        serve HTTPS with this PEM certificate (chain) and announce https://localhost:PORT
  --tls-key FILE         its PEM private key (both or neither)
  --session-cookie NAME  a login also sets the session as cookie NAME; GET /api/auth/session checks it (default off)
  --list-defects         print the defect names, one per line, and exit`;

// ---- the identity entry ----

export interface IdentityServerOptions {
  readonly port: number;
  readonly hashCost: HashCost;
  readonly loadAccounts: number;
  readonly defect: string | undefined;
  readonly sessionTtlSeconds: number;
  readonly maxSessions: number;
  readonly exitOnStdinClose: boolean;
}

export const IDENTITY_FLAGS = {
  port: { env: 'REFERENCE_IDENTITY_PORT' },
  'hash-cost': { env: 'REFERENCE_HASH_COST' },
  'load-accounts': { env: 'REFERENCE_LOAD_ACCOUNTS' },
  defect: { env: 'REFERENCE_DEFECT' },
  'session-ttl-s': { env: 'REFERENCE_SESSION_TTL_S' },
  'max-sessions': { env: 'REFERENCE_MAX_SESSIONS' },
  'exit-on-stdin-close': { boolean: true },
} as const satisfies Record<string, FlagSpec>;

export function parseIdentityOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): IdentityServerOptions {
  const raw = parseFlags(argv, IDENTITY_FLAGS, env);
  return {
    port: integer(raw, 'port', 0, 0, 65535),
    hashCost: hashCost(raw),
    loadAccounts: integer(raw, 'load-accounts', DEFAULT_LOAD_ACCOUNTS, 0, MAX_LOAD_ACCOUNTS),
    defect: defect(raw),
    sessionTtlSeconds: integer(raw, 'session-ttl-s', 3600, 1, 86_400),
    maxSessions: integer(raw, 'max-sessions', 10_000, 1, 1_000_000),
    exitOnStdinClose: raw.has('exit-on-stdin-close'),
  };
}
