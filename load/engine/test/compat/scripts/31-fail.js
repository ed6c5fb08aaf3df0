// fail() ends the iteration with an error; later code does not run.
// expect: exit=0 checks=0/0 iterations=1
// expect-stderr: order rejected
import { check, fail } from 'k6';

export default function () {
  fail('order rejected');
  check(1, { unreachable: () => true });
}
