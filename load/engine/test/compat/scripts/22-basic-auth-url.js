// Credentials in the URL become Basic auth.
// expect: exit=0 checks=1/0 http_req_failed.rate=0
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const url = __ENV.BASE.replace('http://', 'http://ann:pw1@') + '/basic/ann/pw1';
  check(http.get(url), { authenticated: (r) => r.json('authenticated') === true });
}
