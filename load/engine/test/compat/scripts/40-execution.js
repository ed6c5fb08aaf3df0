// k6/execution: scenario name, executor and VU id.
// expect: exit=0 checks=3/0
import exec from 'k6/execution';
import { check } from 'k6';

export const options = { scenarios: { shop: { executor: 'shared-iterations', vus: 1, iterations: 1 } } };

export default function () {
  check(exec, {
    'scenario name': (e) => e.scenario.name === 'shop',
    executor: (e) => e.scenario.executor === 'shared-iterations',
    'vu id': (e) => e.vu.idInTest === 1,
  });
}
