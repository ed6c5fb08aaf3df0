// k6/experimental/csv with k6/experimental/fs and top-level await.
// expect: exit=0 checks=1/0
import csv from 'k6/experimental/csv';
import { open } from 'k6/experimental/fs';
import { check } from 'k6';

const file = await open('../../fixtures/data/users.csv');
const rows = await csv.parse(file, { asObjects: true });

export default function () {
  check(rows, { 'three users, Oslo second': (r) => r.length === 3 && r[1].city === 'Oslo' });
}
