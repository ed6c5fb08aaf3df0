// An error-rate threshold that does not hold makes k6 exit 99.
// expect: exit=99 http_req_failed.rate=0.5
import http from 'k6/http';

export const options = { thresholds: { http_req_failed: ['rate<0.1'] } };

export default function () {
  http.get(`${__ENV.BASE}/status/500`);
  http.get(`${__ENV.BASE}/ok`);
}
