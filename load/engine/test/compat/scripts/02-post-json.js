// POST a JSON body with a Content-Type header; the server echoes it.
// expect: exit=0 checks=2/0 http_reqs=1
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const payload = JSON.stringify({ email: 'a@example.test', password: 'secret' });
  const res = http.post(`${__ENV.BASE}/echo`, payload, { headers: { 'Content-Type': 'application/json' } });
  check(res, {
    'method is POST': (r) => r.json('method') === 'POST',
    'body arrived': (r) => JSON.parse(r.json('body')).email === 'a@example.test',
  });
}
