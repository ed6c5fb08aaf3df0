// per-vu-iterations: every VU runs its own count.
// expect: exit=0 iterations=6
import exec from 'k6/execution';
import { check } from 'k6';

export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 2 } } };

export default function () {
  check(exec.vu.iterationInScenario, { 'below 2': (n) => n < 2 });
}
