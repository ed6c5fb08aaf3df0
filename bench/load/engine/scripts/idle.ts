// Bench script: VUS VUs that only sleep, for SECONDS: what a VU costs in memory and start-up, without traffic.
import { sleep } from 'k6';

export const options = {
  vus: Number(__ENV['VUS'] ?? '100'),
  duration: `${__ENV['SECONDS'] ?? '2'}s`,
};

export default function (): void {
  sleep(0.5);
}
