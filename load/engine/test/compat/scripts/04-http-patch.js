// http.patch sends a PATCH request.
// expect: exit=0 checks=1/0 http_reqs=1
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.patch(`${__ENV.BASE}/echo`, 'y');
  check(res, { 'method is PATCH': (r) => r.json('method') === 'PATCH' });
}
