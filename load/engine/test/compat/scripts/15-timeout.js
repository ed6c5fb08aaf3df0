// A request over its timeout fails with error code 1050.
// expect: exit=0 checks=2/0 http_req_failed.rate=1
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get(`${__ENV.BASE}/slow/2000`, { timeout: '200ms' });
  check(res, { 'status 0': (r) => r.status === 0, 'timeout code': (r) => r.error_code === 1050 });
}
