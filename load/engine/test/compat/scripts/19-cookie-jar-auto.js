// A cookie the server sets is stored in the VU's jar and sent back.
// expect: exit=0 checks=2/0 http_reqs=2
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const set = http.get(`${__ENV.BASE}/set-cookie?session=abc`);
  check(set, { 'res.cookies has it': (r) => r.cookies.session[0].value === 'abc' });
  const res = http.get(`${__ENV.BASE}/cookies`);
  check(res, { 'sent back': (r) => r.json('cookies').session === 'abc' });
}
