// The WebCrypto globals: randomUUID and getRandomValues.
// expect: exit=0 checks=2/0
import { check } from 'k6';

export default function () {
  const ids = new Set([crypto.randomUUID(), crypto.randomUUID()]);
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  check(null, { 'two distinct UUIDs': () => ids.size === 2, 'bytes filled': () => bytes.some((b) => b !== 0) });
}
