// __VU starts at 1 and __ITER counts the VU's iterations from 0.
// expect: exit=0 checks=3/0
import { check } from 'k6';

export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 3 } } };

export default function () {
  check(null, { [`iteration ${__ITER} of VU ${__VU}`]: () => __VU === 1 && __ITER < 3 });
}
