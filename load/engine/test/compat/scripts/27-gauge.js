// A Gauge keeps its last value (and min/max).
// expect: exit=0 queue_depth.value=4 queue_depth.max=9
import { Gauge } from 'k6/metrics';

const depth = new Gauge('queue_depth');

export default function () {
  [3, 9, 4].forEach((v) => depth.add(v));
}
