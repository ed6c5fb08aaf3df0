// Resolves what the suite tests: the configured AUTH_BASE_URL, or (unset) the reference service started on loopback.
// The REFERENCE_* variables shape a managed reference (a defect from the catalog, added latency, fail rate), which is
// how the self-test and the load-gate mutants break the target on purpose. core/ imports only config/, so the caller
// passes the reference's launcher (reference/launch.ts startReference).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import type { SuiteConfig } from '../config/index.ts';
import { ConfigError } from '../config/index.ts';

/** The reference's knobs read from REFERENCE_* (a subset of reference/launch.ts ReferenceOptions). */
export interface ReferenceKnobs {
  defect?: string;
  addedLatencyMs?: number;
  failRate?: number;
  hashCost?: 'owasp' | 'fast';
  jsonDuplicates?: 'reject' | 'last';
  lockoutAfter?: number;
  lockoutSeconds?: number;
  rateLimit?: number;
  jitterMs?: number;
  tlsCert?: string;
  tlsKey?: string;
  /** CPU list for taskset (e.g. "0" or "0,1"): the managed reference's processes run only there. */
  cpus?: string;
}

/** What the target starter asks of the reference's launcher. */
export interface ReferenceLaunchOptions extends ReferenceKnobs {
  loadAccounts?: number;
  accountsOut?: string;
  upstream?: 'dead';
}

/** reference/launch.ts startReference fits this. */
export type StartReference = (
  options: ReferenceLaunchOptions,
) => Promise<{ readonly baseUrl: string; readonly pid?: number; stop(): Promise<void> }>;

export interface TargetOptions {
  /** Also start a reference whose identity upstream is dead, so the documented 502 can be validated. */
  readonly faultTarget?: boolean;
  /** Have the managed reference write its load accounts here (LOAD_ACCOUNTS_FILE for the load run). */
  readonly accountsOut?: string;
  readonly loadAccounts?: number;
}

export interface Target {
  readonly baseUrl: string;
  /** True when the suite started the reference itself. */
  readonly managed: boolean;
  readonly faultBaseUrl: string | undefined;
  readonly accountsFile: string | undefined;
  stop(): Promise<void>;
}

/** Reference knobs from the environment (REFERENCE_DEFECT, REFERENCE_ADDED_LATENCY_MS, ...), validated. */
export function referenceOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ReferenceKnobs {
  const options: ReferenceKnobs = {};
  if (env.REFERENCE_DEFECT) options.defect = env.REFERENCE_DEFECT;
  if (env.REFERENCE_ADDED_LATENCY_MS) {
    options.addedLatencyMs = number('REFERENCE_ADDED_LATENCY_MS', env.REFERENCE_ADDED_LATENCY_MS, 0, 60_000);
  }
  if (env.REFERENCE_FAIL_RATE) options.failRate = number('REFERENCE_FAIL_RATE', env.REFERENCE_FAIL_RATE, 0, 1);
  if (env.REFERENCE_HASH_COST) {
    if (env.REFERENCE_HASH_COST !== 'owasp' && env.REFERENCE_HASH_COST !== 'fast') {
      throw new ConfigError(`REFERENCE_HASH_COST="${env.REFERENCE_HASH_COST}" must be owasp or fast`);
    }
    options.hashCost = env.REFERENCE_HASH_COST;
  }
  // Deployment policies (reference/README.md, "Realistic deployment policies"): whole numbers within the service's
  // own bounds, so a typo fails here in one line rather than as a reference that exited before listening.
  const whole = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (!raw) return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new ConfigError(`${name}="${raw}" must be a whole number from ${min} to ${max}`);
    }
    return Number(raw);
  };
  if (env.REFERENCE_JSON_DUPLICATES) {
    if (env.REFERENCE_JSON_DUPLICATES !== 'reject' && env.REFERENCE_JSON_DUPLICATES !== 'last') {
      throw new ConfigError(`REFERENCE_JSON_DUPLICATES="${env.REFERENCE_JSON_DUPLICATES}" must be reject or last`);
    }
    options.jsonDuplicates = env.REFERENCE_JSON_DUPLICATES;
  }
  const policies = {
    lockoutAfter: whole('REFERENCE_LOCKOUT_AFTER', 0, 1000),
    lockoutSeconds: whole('REFERENCE_LOCKOUT_S', 1, 86_400),
    rateLimit: whole('REFERENCE_RATE_LIMIT', 0, 1_000_000),
    jitterMs: whole('REFERENCE_JITTER_MS', 0, 10_000),
  };
  for (const [key, value] of Object.entries(policies) as [keyof typeof policies, number | undefined][]) {
    if (value !== undefined) options[key] = value;
  }
  if (env.REFERENCE_CPUS) {
    if (!/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(env.REFERENCE_CPUS)) {
      throw new ConfigError(
        `REFERENCE_CPUS="${env.REFERENCE_CPUS}" must be a CPU list for taskset, e.g. 0 or 0,1 or 0-3`,
      );
    }
    options.cpus = env.REFERENCE_CPUS;
  }
  const [cert, key] = [env.REFERENCE_TLS_CERT, env.REFERENCE_TLS_KEY];
  if (cert || key) {
    if (!cert || !key) {
      throw new ConfigError('REFERENCE_TLS_CERT and REFERENCE_TLS_KEY go together: set both (or neither, for HTTP)');
    }
    for (const [name, file] of [
      ['REFERENCE_TLS_CERT', cert],
      ['REFERENCE_TLS_KEY', key],
    ] as const) {
      try {
        accessSync(file, constants.R_OK);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new ConfigError(`${name}="${file}" cannot be read (${reason}): point it at a readable PEM file`);
      }
    }
    options.tlsCert = cert;
    options.tlsKey = key;
  }
  return options;
}

export async function startTarget(
  config: SuiteConfig,
  startReference: StartReference,
  options: TargetOptions = {},
): Promise<Target> {
  if (config.authBaseUrl !== undefined) {
    return {
      baseUrl: config.authBaseUrl,
      managed: false,
      faultBaseUrl: config.authFaultBaseUrl,
      accountsFile: config.loadAccountsFile,
      stop: async () => {},
    };
  }
  const { cpus, ...knobs } = referenceOptionsFromEnv();
  // Both references start at once (each seeds its accounts with argon2id, which dominates start-up). allSettled, so a
  // failure of one never leaves the other running.
  const [main, fault] = await Promise.allSettled([
    startReference({
      ...knobs,
      ...(options.loadAccounts !== undefined ? { loadAccounts: options.loadAccounts } : {}),
      ...(options.accountsOut !== undefined ? { accountsOut: options.accountsOut } : {}),
    }),
    options.faultTarget ? startReference({ ...knobs, loadAccounts: 0, upstream: 'dead' }) : Promise.resolve(undefined),
  ]);
  const running = [main, fault].flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(running.map((ref) => ref.stop()));
  };
  if (main.status === 'rejected' || fault.status === 'rejected') {
    await stop();
    throw main.status === 'rejected' ? main.reason : (fault as PromiseRejectedResult).reason;
  }
  if (cpus !== undefined) {
    try {
      for (const ref of running) pinProcessTree(ref.pid, cpus);
    } catch (error) {
      await stop();
      throw error;
    }
  }
  return {
    baseUrl: main.value.baseUrl,
    managed: true,
    faultBaseUrl: fault.value?.baseUrl,
    accountsFile: options.accountsOut ?? config.loadAccountsFile,
    stop,
  };
}

/**
 * REFERENCE_CPUS: every thread of the reference process and of its descendants (its identity child runs in a
 * process group of its own, so the tree is walked by parent id) is moved to `cpus`. After the start, not before:
 * seeding the accounts runs on all cores, and only the pinned capacity is measured. Threads created later inherit
 * the affinity. The load generator is left where it is, so a capacity run measures the reference's cores.
 */
function pinProcessTree(pid: number | undefined, cpus: string): void {
  if (pid === undefined) throw new ConfigError('REFERENCE_CPUS: the reference launcher did not report a process id');
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after its closing ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  for (const member of tree) {
    const out = spawnSync('taskset', ['-a', '-p', '-c', cpus, String(member)], { encoding: 'utf8' });
    if (out.error !== undefined || out.status !== 0) {
      const why = out.error?.message || out.stderr.trim().split('\n')[0] || `exit ${String(out.status)}`;
      throw new ConfigError(
        `REFERENCE_CPUS="${cpus}": taskset failed (${why}); it needs Linux and util-linux's taskset`,
      );
    }
  }
}

function number(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name}="${raw}" must be a number between ${min} and ${max}`);
  }
  return value;
}
