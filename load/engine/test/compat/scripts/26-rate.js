// A custom Rate counts true and false values.
// expect: exit=0 hit_rate.rate=0.75
import { Rate } from 'k6/metrics';

const hits = new Rate('hit_rate');
export const options = { thresholds: { hit_rate: ['rate>0.7'] } };

export default function () {
  [true, true, false, 1].forEach((v) => hits.add(v));
}
