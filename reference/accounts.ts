// The reference's seeded accounts: deterministic, so the suite's config (local.env) and the load accounts file
// always match what the identity service holds. Test-only credentials, fine to commit.
import { createHash } from 'node:crypto';

export interface Account {
  readonly identifier: string;
  readonly password: string;
}

export const MAIN_ACCOUNT: Account = { identifier: 'qa.main@reference.test', password: 'Reference-Only-Passw0rd!' };

/**
 * A second account for the suite's wrong-password probes (PROBE_IDENTIFIER / PROBE_PASSWORD). Its password holds a
 * character whose NFC and NFD forms differ (\u00e4, stored NFC), so the suite can try the other normalisation of it.
 */
export const PROBE_ACCOUNT: Account = { identifier: 'qa.probe@reference.test', password: 'Probe-Only-P\u00e4ssw0rd!' };

export const DEFAULT_LOAD_ACCOUNTS = 200;
export const MAX_LOAD_ACCOUNTS = 9999; // the 4-digit index in the naming scheme

/** `load-0001@reference.test` / `Load-Only-Passw0rd-0001!` ... (index from 1). */
export function loadAccount(index: number): Account {
  const n = String(index).padStart(4, '0');
  return { identifier: `load-${n}@reference.test`, password: `Load-Only-Passw0rd-${n}!` };
}

export function loadAccounts(count: number): Account[] {
  return Array.from({ length: count }, (_, i) => loadAccount(i + 1));
}

/** Every seeded account: the main one first, the probe account, then the load accounts. */
export function seededAccounts(count: number): Account[] {
  return [MAIN_ACCOUNT, PROBE_ACCOUNT, ...loadAccounts(count)];
}

/** Stable identity id (UUID-shaped) derived from the identifier, so ids survive an identity-service restart. */
export function identityIdFor(identifier: string): string {
  const h = createHash('sha256').update(`reference-identity:${identifier}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
