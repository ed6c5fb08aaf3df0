// http.put sends a PUT request.
// expect: exit=0 checks=1/0 http_reqs=1
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.put(`${__ENV.BASE}/echo`, 'x');
  check(res, { 'method is PUT': (r) => r.json('method') === 'PUT' });
}
