// sleep() pauses the VU: the iteration lasts at least that long.
// expect: exit=0 iteration_duration.min>=200
import { sleep } from 'k6';

export default function () {
  sleep(0.2);
}
