// shared-iterations: the VUs share a total.
// expect: exit=0 iterations=7 checks=7/0
import { check } from 'k6';

export const options = { vus: 3, iterations: 7 };

export default function () {
  check(__VU, { 'VU between 1 and 3': (v) => v >= 1 && v <= 3 });
}
