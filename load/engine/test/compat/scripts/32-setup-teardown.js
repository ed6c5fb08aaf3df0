// setup() data reaches every iteration and teardown().
// expect: exit=0 checks=3/0
// expect-stderr: teardown saw token-42
import { check } from 'k6';

export const options = { iterations: 2 };

export function setup() {
  return { token: 'token-42' };
}
export default function (data) {
  check(data, { 'token in iteration': (d) => d.token === 'token-42' });
}
export function teardown(data) {
  check(data, { 'token in teardown': (d) => d.token === 'token-42' });
  console.warn(`teardown saw ${data.token}`);
}
