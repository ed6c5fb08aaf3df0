// async default function: two asyncRequests awaited together run concurrently.
// expect: exit=0 checks=2/0 http_reqs=2
import http from 'k6/http';
import { check } from 'k6';

export default async function () {
  const started = Date.now();
  const [a, b] = await Promise.all([
    http.asyncRequest('GET', `${__ENV.BASE}/slow/300`),
    http.asyncRequest('GET', `${__ENV.BASE}/slow/300`),
  ]);
  check(null, { 'both 200': () => a.status === 200 && b.status === 200, together: () => Date.now() - started < 550 });
}
