// http.del sends a DELETE request.
// expect: exit=0 checks=1/0 http_reqs=1
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.del(`${__ENV.BASE}/echo`, null);
  check(res, { 'method is DELETE': (r) => r.json('method') === 'DELETE' });
}
