// An object body is sent form-encoded.
// expect: exit=0 checks=2/0
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.post(`${__ENV.BASE}/echo`, { user: 'ann', role: 'admin' });
  check(res, {
    encoded: (r) => r.json('body') === 'user=ann&role=admin',
    'content type': (r) => r.json('headers')['content-type'] === 'application/x-www-form-urlencoded',
  });
}
