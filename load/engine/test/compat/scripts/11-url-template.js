// http.url tags requests with the template as their name.
// expect: exit=0 http_reqs=2
import http from 'k6/http';

export const options = { thresholds: { 'http_reqs{name:${}/items/${}}': ['count==2'] } };

export default function () {
  for (const id of [4, 5]) http.get(http.url`${__ENV.BASE}/items/${id}`);
}
