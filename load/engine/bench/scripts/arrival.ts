// Bench script: open-model constant-arrival-rate against BASE; `started` marks each iteration's start time.
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter } from 'k6/metrics';

const started = new Counter('iteration_starts');

export const options = {
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)'],
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

const stallAt = Number(__ENV['STALL_AT_ITERATION'] ?? '-1');

export default function (): void {
  started.add(1);
  // The open-model honesty run: one iteration asks the endpoint to hold every response for a second.
  if (exec.scenario.iterationInTest === stallAt)
    http.post(`${__ENV['BASE']}/stall?ms=1000`, null, { tags: { name: 'stall' } });
  http.get(`${__ENV['BASE']}/`, { tags: { name: 'bench' } });
}
