// k6/encoding: base64 in the std and url alphabets.
// expect: exit=0 checks=2/0
import encoding from 'k6/encoding';
import { check } from 'k6';

export default function () {
  check(null, {
    'std round trip': () => encoding.b64decode(encoding.b64encode('hello, k6'), 'std', 's') === 'hello, k6',
    rawurl: () => encoding.b64encode('??>', 'rawurl') === 'Pz8-',
  });
}
