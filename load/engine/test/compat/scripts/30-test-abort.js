// exec.test.abort() stops the test with exit 108.
// expect: exit=108
// expect-stderr: enough for today
import exec from 'k6/execution';

export const options = { iterations: 50 };

export default function () {
  if (exec.scenario.iterationInTest === 2) exec.test.abort('enough for today');
}
