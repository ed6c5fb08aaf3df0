// __ENV carries -e variables (here BASE from the suite).
// expect: exit=0 checks=1/0
import { check } from 'k6';

export default function () {
  check(__ENV, { 'BASE is a loopback URL': (e) => /^http:\/\/127\.0\.0\.1:\d+$/.test(e.BASE) });
}
