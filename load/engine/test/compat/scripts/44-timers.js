// k6/timers: the iteration waits for a pending setTimeout.
// expect: exit=0 checks=1/0 iteration_duration.min>=100
import { setTimeout } from 'k6/timers';
import { check } from 'k6';

export default function () {
  const started = Date.now();
  setTimeout(() => {
    check(Date.now() - started, { 'fired after its delay': (ms) => ms >= 100 });
  }, 100);
}
