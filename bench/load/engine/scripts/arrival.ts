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

const stallAtMs = Number(__ENV['STALL_AT_MS'] ?? '-1');

export default function (): void {
  started.add(1);
  // The open-model honesty run: iterations starting in a 200 ms window ask the endpoint to hold every response for a
  // second (the endpoint ignores the request while it is already stalling).
  const elapsed = Date.now() - exec.scenario.startTime;
  if (stallAtMs >= 0 && elapsed >= stallAtMs && elapsed < stallAtMs + 200) {
    http.post(`${__ENV['BASE']}/stall?ms=1000`, null, { tags: { name: 'stall' } });
  }
  http.get(`${__ENV['BASE']}/`, { tags: { name: 'bench' } });
}
