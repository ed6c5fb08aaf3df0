// A HEAD request has a status but no body.
// expect: exit=0 checks=2/0 http_reqs=1
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.head(`${__ENV.BASE}/ok`);
  check(res, { 'status 200': (r) => r.status === 200, 'empty body': (r) => !r.body });
}
