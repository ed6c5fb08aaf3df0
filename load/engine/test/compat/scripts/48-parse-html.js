// res.html(): find elements and read text and attributes.
// expect: exit=0 checks=3/0
import http from 'k6/http';
import { check } from 'k6';

export default function () {
  const doc = http.get(`${__ENV.BASE}/html`).html();
  check(doc, {
    title: (d) => d.find('title').text() === 'Stand-in shop',
    'two items': (d) => d.find('li.item').size() === 2,
    'csrf field': (d) => d.find('input[name=csrf]').attr('value') === 'tok-123',
  });
}
