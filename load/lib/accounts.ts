// Load accounts: a JSON array of {identifier, password}, one account per VU so no two VUs ever log in as the same
// user at once (sessions, rate limits and lockouts stay per user, as in production). Pure: k6 and Node validate alike.
import { LoadInputError } from './input-error.ts';
import { firstLine, isRecord } from './profiles.ts';

export interface Account {
  readonly identifier: string;
  readonly password: string;
}

/** Parses and validates the accounts file text; `needed` is the profile's maxVUs. Never echoes a password. */
export function parseAccounts(text: string, source: string, needed: number): Account[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LoadInputError(`LOAD_ACCOUNTS_FILE ${source} is not valid JSON: ${firstLine(error)}`);
  }
  if (!Array.isArray(data)) {
    throw new LoadInputError(`LOAD_ACCOUNTS_FILE ${source} must be a JSON array of {identifier, password}`);
  }
  const seen = new Set<string>();
  const accounts = data.map((entry: unknown, i: number): Account => {
    if (
      !isRecord(entry) ||
      typeof entry.identifier !== 'string' ||
      entry.identifier === '' ||
      typeof entry.password !== 'string' ||
      entry.password === ''
    ) {
      throw new LoadInputError(
        `LOAD_ACCOUNTS_FILE ${source}: entry ${i} must be {"identifier": "<email>", "password": "<non-empty>"}`,
      );
    }
    if (seen.has(entry.identifier)) {
      throw new LoadInputError(`LOAD_ACCOUNTS_FILE ${source}: identifier "${entry.identifier}" appears twice`);
    }
    seen.add(entry.identifier);
    return { identifier: entry.identifier, password: entry.password };
  });
  if (accounts.length < needed) {
    throw new LoadInputError(
      `LOAD_ACCOUNTS_FILE ${source} has ${accounts.length} accounts but the profile needs ${needed} (one per VU, maxVUs): add accounts or lower LOAD_MAX_VUS / LOAD_RATE_SCALE`,
    );
  }
  return accounts;
}

/** The account of a VU: k6's exec.vu.idInTest is 1-based and unique across instances of a distributed run. */
export function accountIndexForVu(idInTest: number, available: number): number {
  if (!Number.isInteger(idInTest) || idInTest < 1 || idInTest > available) {
    throw new LoadInputError(`VU ${idInTest} has no load account (${available} available): raise the account count`);
  }
  return idInTest - 1;
}
