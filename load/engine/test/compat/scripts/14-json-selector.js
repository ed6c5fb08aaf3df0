// res.json(selector) reads a nested value.
// expect: exit=0 checks=2/0
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.get(`${__ENV.BASE}/ok`);
  check(res, {
    'nested name': (r) => r.json('nested.name') === 'stand-in',
    'list element': (r) => r.json('nested.list.1') === 2,
  });
}
