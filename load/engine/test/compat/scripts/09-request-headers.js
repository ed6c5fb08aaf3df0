// Custom request headers reach the server.
// expect: exit=0 checks=1/0
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get(`${__ENV.BASE}/echo`, { headers: { 'X-Trace': 'abc-123' } });
  check(res, { 'header echoed': (r) => r.json('headers')['x-trace'] === 'abc-123' });
}
