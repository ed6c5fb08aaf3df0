// params.tags.name groups requests; a threshold filters on it.
// expect: exit=0 http_reqs=3
import http from 'k6/http';

export const options = {
  thresholds: { 'http_reqs{name:item}': ['count==2'], 'http_req_duration{name:item}': ['max<5000'] },
};

export default function () {
  http.get(`${__ENV.BASE}/items/1`, { tags: { name: 'item' } });
  http.get(`${__ENV.BASE}/items/2`, { tags: { name: 'item' } });
  http.get(`${__ENV.BASE}/ok`);
}
