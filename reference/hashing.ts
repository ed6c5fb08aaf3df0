// Password hashing: argon2id through @node-rs/argon2 (native, runs on libuv's thread pool, so hashes run concurrently).
import type { Algorithm, Options } from '@node-rs/argon2';
import { hash, verify } from '@node-rs/argon2';

export type HashCost = 'owasp' | 'fast';
export const HASH_COSTS: readonly HashCost[] = ['owasp', 'fast'];

// `Algorithm` is an ambient const enum (not usable under isolatedModules); 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/** OWASP Password Storage Cheat Sheet minimum for argon2id (m=19456 KiB, t=2, p=1); `fast` is for tests only. */
export const HASH_PARAMS: Readonly<Record<HashCost, Options>> = {
  owasp: { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 },
  fast: { algorithm: ARGON2ID, memoryCost: 256, timeCost: 1, parallelism: 1 },
};

export function hashPassword(password: string, cost: HashCost): Promise<string> {
  return hash(password, HASH_PARAMS[cost]);
}

export function verifyPassword(phc: string, password: string): Promise<boolean> {
  return verify(phc, password);
}
