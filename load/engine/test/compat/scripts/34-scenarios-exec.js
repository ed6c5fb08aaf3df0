// Two scenarios, each with its own exec function and tags.
// expect: exit=0 iterations=5
import { Counter } from 'k6/metrics';

const calls = new Counter('calls');
export const options = {
  scenarios: {
    browse: { executor: 'shared-iterations', vus: 1, iterations: 3, exec: 'browse' },
    buy: { executor: 'per-vu-iterations', vus: 2, iterations: 1, exec: 'buy', tags: { flow: 'buy' } },
  },
  thresholds: { 'calls{scenario:browse}': ['count==3'], 'calls{flow:buy}': ['count==2'] },
};

export function browse() {
  calls.add(1);
}
export function buy() {
  calls.add(1);
}
