// Bench script: open-model constant-arrival-rate against BASE; `started` marks each iteration's start time.
import http from 'k6/http';
import { Counter } from 'k6/metrics';

const started = new Counter('iteration_starts');

export const options = {
  scenarios: {
    bench: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV['RATE'] ?? '2000'),
      timeUnit: '1s',
      duration: `${__ENV['SECONDS'] ?? '20'}s`,
      preAllocatedVUs: Number(__ENV['VUS'] ?? '50'),
      maxVUs: Number(__ENV['MAX_VUS'] ?? __ENV['VUS'] ?? '50'),
    },
  },
};

export default function (): void {
  started.add(1);
  http.get(`${__ENV['BASE']}${__ENV['PATH_SUFFIX'] ?? '/'}`, { tags: { name: 'bench' } });
}
