// Redirects are followed (one sample per hop); res.url is the final URL.
// expect: exit=0 checks=2/0 http_reqs=4
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get(`${__ENV.BASE}/redirect/3`);
  check(res, { 'final status': (r) => r.status === 200, 'final url': (r) => r.url.endsWith('/ok') });
}
