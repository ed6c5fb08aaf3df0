// Programmatic start of the reference service (and of a stand-alone identity service, for fault runs that kill and
// restart it). Each runs as its own process; stop() ends it and everything it started.
import { resolve } from 'node:path';
import type { HashCost } from './hashing.ts';
import { spawnListening } from './spawn.ts';
import type { ListeningChild } from './spawn.ts';

export interface ReferenceOptions {
  port?: number; // default 0
  defect?: string; // name from the catalog
  addedLatencyMs?: number;
  failRate?: number; // share of requests answered 502 (upstream failure), 0..1
  hashCost?: HashCost; // default 'owasp'
  loadAccounts?: number; // default 200
  accountsOut?: string; // write load accounts JSON [{identifier,password}] here
  upstream?: 'managed' | 'dead' | string; // managed: start identity child; dead: closed loopback port; or tcp://127.0.0.1:PORT
  jsonDuplicates?: 'reject' | 'last'; // default 'reject' (400); 'last' keeps the last of repeated keys
  lockoutAfter?: number; // lock an account after N consecutive wrong passwords; default 0 (off)
  lockoutSeconds?: number; // how long a lock lasts; default 900
  rateLimit?: number; // requests per second per client address, then 429; default 0 (off)
  jitterMs?: number; // each answer waits a further uniform 0..N ms (on top of addedLatencyMs); default 0
  sessionCookie?: string; // a login also sets the session as this cookie; GET /api/auth/session checks it
  /** Serve HTTPS with this PEM certificate and key (both or neither); baseUrl is then https://localhost:PORT. */
  tlsCert?: string;
  tlsKey?: string;
  /** How long to wait for the listening line (OWASP hashing of many accounts takes seconds). Default 120 s. */
  startTimeoutMs?: number;
  /** Receives each stderr line (pino JSON logs). By default logs are kept only to explain a failed start. */
  onLog?: (line: string) => void;
}

export interface RunningReference {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startReference(o: ReferenceOptions = {}): Promise<RunningReference> {
  const args = flags({
    port: o.port,
    defect: o.defect,
    'added-latency-ms': o.addedLatencyMs,
    'fail-rate': o.failRate,
    'hash-cost': o.hashCost,
    'load-accounts': o.loadAccounts,
    'accounts-out': o.accountsOut,
    upstream: o.upstream,
    'json-duplicates': o.jsonDuplicates,
    'lockout-after': o.lockoutAfter,
    'lockout-s': o.lockoutSeconds,
    'rate-limit': o.rateLimit,
    'jitter-ms': o.jitterMs,
    'session-cookie': o.sessionCookie,
    // Absolute, as the service runs from the repository root, not from the caller's directory.
    'tls-cert': o.tlsCert === undefined ? undefined : resolve(o.tlsCert),
    'tls-key': o.tlsKey === undefined ? undefined : resolve(o.tlsKey),
  });
  const child = await spawnService('reference/server.ts', 'reference', args, o);
  return { baseUrl: child.url, pid: child.pid, stop: child.stop };
}

export interface IdentityStartOptions {
  /** Pass the previous run's port to restart an identity service where the reference expects it. */
  port?: number;
  hashCost?: HashCost;
  loadAccounts?: number;
  defect?: string;
  sessionTtlSeconds?: number;
  maxSessions?: number;
  startTimeoutMs?: number;
  onLog?: (line: string) => void;
}

export interface RunningIdentity {
  /** Its address, `tcp://127.0.0.1:PORT` (see identity/wire.ts): pass it as the reference's `upstream`. */
  url: string;
  port: number;
  pid: number;
  /** Graceful (SIGTERM). */
  stop(): Promise<void>;
  /** Abrupt (SIGKILL), as a crash would be. */
  kill(): Promise<void>;
  /** Resolves with the exit code (or signal) whenever the process ends, expectedly or not. */
  exited: Promise<number | string>;
}

/**
 * A stand-alone identity service. Start the reference with `upstream: identity.url`; kill() it mid-load to see 502s,
 * then `startIdentity({ port: identity.port, ... })` again: the reference reconnects on its next request.
 */
export async function startIdentity(o: IdentityStartOptions = {}): Promise<RunningIdentity> {
  const args = flags({
    port: o.port,
    'hash-cost': o.hashCost,
    'load-accounts': o.loadAccounts,
    defect: o.defect,
    'session-ttl-s': o.sessionTtlSeconds,
    'max-sessions': o.maxSessions,
  });
  const child = await spawnService('reference/identity/server.ts', 'identity', args, o);
  return {
    url: child.url,
    port: Number(new URL(child.url).port),
    pid: child.pid,
    stop: child.stop,
    exited: child.exited,
    kill: async () => {
      child.child.ref(); // keep this process alive until the exit is seen
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await child.exited;
    },
  };
}

/**
 * Starts one of this folder's service entries in its own process group (so stop() also ends what it starts) and waits
 * for its listening line; OWASP hashing of many accounts takes seconds, hence a 120 s default.
 */
export function spawnService(
  entry: string,
  label: 'reference' | 'identity',
  args: readonly string[],
  o: { startTimeoutMs?: number | undefined; onLog?: ((line: string) => void) | undefined },
): Promise<ListeningChild> {
  return spawnListening(entry, args, { label, timeoutMs: o.startTimeoutMs ?? 120_000, detached: true, onLog: o.onLog });
}

/** `{ 'hash-cost': 'fast', port: undefined }` → `['--hash-cost', 'fast']`. */
export function flags(values: Record<string, string | number | undefined>): string[] {
  return Object.entries(values).flatMap(([name, value]) => (value === undefined ? [] : [`--${name}`, String(value)]));
}
