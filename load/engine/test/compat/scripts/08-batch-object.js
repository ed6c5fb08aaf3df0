// http.batch with an object: responses under the same keys.
// expect: exit=0 checks=2/0 http_reqs=2
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const res = http.batch({
    pizza: { method: 'GET', url: `${__ENV.BASE}/items/7` },
    echo: { method: 'POST', url: `${__ENV.BASE}/echo`, body: 'hi' },
  });
  check(res, {
    'pizza by key': (r) => r.pizza.json('id') === 7,
    'echo by key': (r) => r.echo.json('body') === 'hi',
  });
}
