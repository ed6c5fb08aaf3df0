// params.redirects: 0 returns the redirection itself.
// expect: exit=0 checks=1/0 http_reqs=1
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get(`${__ENV.BASE}/redirect/2`, { redirects: 0 });
  check(res, { 'got the 302': (r) => r.status === 302 });
}
