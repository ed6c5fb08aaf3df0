// k6/data SharedArray built from a file opened at init.
// expect: exit=0 checks=2/0
import { SharedArray } from 'k6/data';
import { check } from 'k6';

const users = new SharedArray('users', () => [{ name: 'ann' }, { name: 'bob' }]);
const self = open('./43-shared-array.js');

export default function () {
  check(users, { 'two users': (u) => u.length === 2 && u[1].name === 'bob' });
  check(self, { 'open() read this file': (s) => s.includes('SharedArray') });
}
