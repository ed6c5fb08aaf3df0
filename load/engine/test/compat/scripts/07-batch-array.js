// http.batch with an array: three requests in parallel, responses in order.
// expect: exit=0 checks=3/0 http_reqs=3
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const responses = http.batch([
    ['GET', `${__ENV.BASE}/items/1`],
    ['GET', `${__ENV.BASE}/items/2`],
    ['GET', `${__ENV.BASE}/items/3`],
  ]);
  responses.forEach((res, i) => check(res, { [`item ${i + 1}`]: (r) => r.json('id') === i + 1 }));
}
