// Bench script: POST /api/auth/login on the reference service at a gentle constant rate (fidelity of timings).
import http from 'k6/http';

export const options = {
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)'],
  scenarios: {
    fidelity: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV['RATE'] ?? '20'),
      timeUnit: '1s',
      duration: `${__ENV['SECONDS'] ?? '10'}s`,
      preAllocatedVUs: 10,
    },
  },
};

export default function (): void {
  http.post(
    `${__ENV['BASE']}/api/auth/login`,
    JSON.stringify({ identifier: __ENV['LOGIN_IDENTIFIER'], password: __ENV['LOGIN_PASSWORD'] }),
    { headers: { 'Content-Type': 'application/json' }, tags: { name: 'login' } },
  );
}
