// params.cookies sends cookies with one request only.
// expect: exit=0 checks=2/0
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get(`${__ENV.BASE}/cookies`, { cookies: { flavour: 'oat' } });
  check(res, { sent: (r) => r.json('cookies').flavour === 'oat' });
  const again = http.get(`${__ENV.BASE}/cookies`);
  check(again, { 'not kept': (r) => r.json('cookies').flavour === undefined });
}
