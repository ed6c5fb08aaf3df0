// Bad credentials derived from the configured account: an identifier on the same domain that no account has, and
// a password that is certainly wrong. Random per call, so repeated runs never collide.
import { randomUUID } from 'node:crypto';
import type { LoginApi } from './test.ts';

export function unknownIdentifier(api: LoginApi): string {
  const domain = api.identifier.split('@')[1] ?? 'example.test';
  return `no-such-account-${randomUUID().slice(0, 8)}@${domain}`;
}

export function wrongPassword(api: LoginApi): string {
  return `Wrong-${randomUUID().slice(0, 12)}!${api.password.length}`;
}
