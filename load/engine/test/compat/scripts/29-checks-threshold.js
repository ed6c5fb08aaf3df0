// A threshold on the checks rate fails the run (exit 99).
// expect: exit=99 checks=1/1
import { check } from 'k6';

export const options = { thresholds: { checks: ['rate>0.9'] } };

export default function () {
  check(1, { 'one is one': (v) => v === 1, 'one is two': (v) => v === 2 });
}
