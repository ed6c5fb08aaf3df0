// A custom Trend: min, max and a percentile threshold.
// expect: exit=0 wait_ms.min=10 wait_ms.max=30
import { Trend } from 'k6/metrics';

const wait = new Trend('wait_ms', true);
export const options = { thresholds: { wait_ms: ['p(95)<=30', 'avg==20'] } };

export default function () {
  [10, 20, 30].forEach((v) => wait.add(v));
}
