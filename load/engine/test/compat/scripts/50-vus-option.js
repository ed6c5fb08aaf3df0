// vus + duration shortcut: constant VUs for a duration.
// expect: exit=0 vus_max.value=2 iterations>=2
import { sleep } from 'k6';

export const options = { vus: 2, duration: '1s' };

export default function () {
  sleep(0.3);
}
