// k6/crypto: sha256 and an HMAC, hex encoded.
// expect: exit=0 checks=2/0
import crypto from 'k6/crypto';
import { check } from 'k6';

export default function () {
  check(null, {
    sha256: () => crypto.sha256('abc', 'hex') === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'hmac length': () => crypto.hmac('sha256', 'key', 'msg', 'hex').length === 64,
  });
}
