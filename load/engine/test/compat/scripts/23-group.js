// group() tags what runs inside it with the nested group path ('::browse::item').
// expect: exit=0 checks=2/0 http_reqs=2
import http from 'k6/http';
import { check, group } from 'k6';

export const options = {
  thresholds: { 'http_reqs{group:::browse}': ['count==1'], 'http_reqs{group:::browse::item}': ['count==1'] },
};

export default function () {
  group('browse', () => {
    check(http.get(`${__ENV.BASE}/ok`), { 'home ok': (r) => r.status === 200 });
    group('item', () => {
      check(http.get(`${__ENV.BASE}/items/1`), { 'item ok': (r) => r.status === 200 });
    });
  });
}
