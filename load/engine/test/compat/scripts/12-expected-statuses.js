// setResponseCallback: a 404 declared expected is not a failed request.
// expect: exit=0 http_req_failed.rate=0 http_reqs=2
import http from 'k6/http';

http.setResponseCallback(http.expectedStatuses(200, 404));
export const options = { thresholds: { http_req_failed: ['rate==0'] } };

export default function () {
  http.get(`${__ENV.BASE}/status/404`);
  http.get(`${__ENV.BASE}/ok`);
}
