// The identity backend: seeded accounts with argon2id hashes, password verification and a bounded session store.
// It runs in its own process (identity/server.ts) so the API reaches it over a real network boundary; tests may
// also call it in-process. Both sides speak the types below.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { identityIdFor, seededAccounts } from '../accounts.ts';
import type { HashCost } from '../hashing.ts';
import { hashPassword, verifyPassword } from '../hashing.ts';

export interface Device {
  readonly ip_address: string;
  readonly user_agent: string;
  readonly location: string;
}

export interface AuthenticateRequest {
  readonly identifier: string;
  readonly password: string;
  readonly device: { readonly ip_address: string; readonly user_agent: string };
}

export interface IssuedSession {
  readonly id: string;
  /** Opaque bearer token; only its SHA-256 is kept by the store. */
  readonly token: string;
  readonly authenticated_at: string;
  readonly expires_at: string;
  readonly devices: readonly Device[];
}

export type AuthenticateResult =
  | {
      readonly ok: true;
      readonly identity: { readonly id: string; readonly email: string };
      readonly session: IssuedSession;
    }
  // The reason is internal: the API must answer both with the same 401.
  | { readonly ok: false; readonly reason: 'unknown-identifier' | 'wrong-password' };

/** What the API needs from the identity backend; the HTTP client and the in-process service both implement it. */
export interface IdentityBackend {
  authenticate(request: AuthenticateRequest): Promise<AuthenticateResult>;
}

/** Deliberate identity-side defects, set from the defect catalog (see ../defects.ts). */
export interface IdentityFaults {
  /** Unknown identifiers answer at once instead of verifying a dummy hash: a timing oracle for account existence. */
  readonly skipDummyVerify?: boolean;
  /** Known identifiers are accepted whatever the password. */
  readonly acceptAnyPassword?: boolean;
  /**
   * What is hashed and compared instead of the password itself, at seeding and at every verification (e.g. the
   * password lower-cased, or cut to 8 characters): a comparison that lets other passwords through.
   */
  readonly passwordKey?: (password: string) => string;
  /**
   * An injectable account lookup: returns the identifier of the account a request logs in as without any password
   * check (as a query built from the request's text would), or undefined for the ordinary lookup.
   */
  readonly bypass?: (request: { readonly identifier: string; readonly password: string }) => string | undefined;
}

export interface IdentityOptions {
  readonly hashCost: HashCost;
  readonly loadAccounts: number;
  readonly sessionTtlSeconds?: number;
  /** Oldest sessions are evicted beyond this, so memory stays bounded under any load. */
  readonly maxSessions?: number;
  readonly faults?: IdentityFaults;
  readonly now?: () => number;
}

export interface IdentityService extends IdentityBackend {
  readonly accounts: number;
  sessionCount(): number;
  /** argon2 verifications performed (real and dummy); lets tests see the timing-equalising work. */
  verifications(): number;
  close(): void;
}

interface StoredSession {
  readonly identityId: string;
  readonly tokenSha256: string;
  readonly expiresAtMs: number;
}

export const DEFAULT_SESSION_TTL_SECONDS = 3600;
export const DEFAULT_MAX_SESSIONS = 10_000;

export async function createIdentityService(options: IdentityOptions): Promise<IdentityService> {
  const now = options.now ?? Date.now;
  const ttlMs = (options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS) * 1000;
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const faults = options.faults ?? {};
  const key = faults.passwordKey ?? ((password: string) => password);

  // Hash every account concurrently (libuv's pool spreads them over the cores), plus a dummy hash with the same
  // cost for unknown identifiers.
  const accounts = seededAccounts(options.loadAccounts);
  const [dummyHash, ...hashes] = await Promise.all([
    hashPassword(randomBytes(18).toString('base64url'), options.hashCost),
    ...accounts.map((a) => hashPassword(key(a.password), options.hashCost)),
  ]);
  const byIdentifier = new Map(
    accounts.map((a, i) => [a.identifier, { id: identityIdFor(a.identifier), email: a.identifier, hash: hashes[i]! }]),
  );

  // Map keeps insertion order, and sessions are inserted in expiry order (fixed TTL): the first entries are the
  // oldest, so eviction and expiry sweeps only ever look at the front.
  const sessions = new Map<string, StoredSession>();
  let verificationCount = 0;

  function sweep(): void {
    const t = now();
    for (const [id, s] of sessions) {
      if (s.expiresAtMs > t && sessions.size < maxSessions) break;
      sessions.delete(id);
    }
  }
  const sweeper = setInterval(sweep, 30_000);
  sweeper.unref();

  async function verify(hash: string, password: string): Promise<boolean> {
    verificationCount += 1;
    return verifyPassword(hash, password);
  }

  return {
    accounts: accounts.length,
    sessionCount: () => sessions.size,
    verifications: () => verificationCount,
    close: () => clearInterval(sweeper),
    async authenticate(request) {
      const bypassed = faults.bypass?.(request);
      const account = byIdentifier.get(bypassed ?? request.identifier) ?? byIdentifier.get(request.identifier);
      if (account === undefined) {
        if (!faults.skipDummyVerify) await verify(dummyHash!, key(request.password));
        return { ok: false, reason: 'unknown-identifier' };
      }
      const matches = await verify(account.hash, key(request.password));
      const skipped = bypassed !== undefined && byIdentifier.has(bypassed);
      if (!matches && !faults.acceptAnyPassword && !skipped) return { ok: false, reason: 'wrong-password' };

      // Whole seconds, so the JWT `exp` (seconds) equals `expires_at` exactly.
      const authenticatedAt = now();
      const expiresAtMs = Math.floor((authenticatedAt + ttlMs) / 1000) * 1000;
      const token = `rst_${randomBytes(32).toString('base64url')}`;
      const id = randomUUID();
      sweep();
      sessions.set(id, {
        identityId: account.id,
        tokenSha256: createHash('sha256').update(token).digest('hex'),
        expiresAtMs,
      });
      return {
        ok: true,
        identity: { id: account.id, email: account.email },
        session: {
          id,
          token,
          authenticated_at: new Date(authenticatedAt).toISOString(),
          expires_at: new Date(expiresAtMs).toISOString(),
          devices: [{ ...request.device, location: locationOf(request.device.ip_address) }],
        },
      };
    },
  };
}

function locationOf(ip: string): string {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.') ? 'loopback' : 'unknown';
}
