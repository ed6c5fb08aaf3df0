// A GET and a status check, as in k6's first example.
// expect: exit=0 checks=1/0 http_reqs=1 iterations=1
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get(`${__ENV.BASE}/ok`);
  check(res, { 'status is 200': (r) => r.status === 200 });
}
