// A failing check is counted, the run still passes without thresholds.
// expect: exit=0 checks=1/1
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get(`${__ENV.BASE}/status/503`);
  check(res, { 'is 503': (r) => r.status === 503, 'is 200': (r) => r.status === 200 });
}
