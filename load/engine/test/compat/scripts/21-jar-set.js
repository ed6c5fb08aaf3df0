// jar.set and jar.cookiesForURL on the VU's jar.
// expect: exit=0 checks=2/0
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const jar = http.cookieJar();
  jar.set(__ENV.BASE, 'theme', 'dark');
  check(jar.cookiesForURL(__ENV.BASE), { 'in the jar': (c) => c.theme[0] === 'dark' });
  const res = http.get(`${__ENV.BASE}/cookies`);
  check(res, { sent: (r) => r.json('cookies').theme === 'dark' });
}
