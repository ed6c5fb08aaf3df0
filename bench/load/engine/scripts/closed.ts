// Bench script: as many iterations as VUS looping VUs can make (the engine's maximum sustained rate).
import http from 'k6/http';

export const options = {
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)'],
  vus: Number(__ENV['VUS'] ?? '16'),
  duration: `${__ENV['SECONDS'] ?? '10'}s`,
};

export default function (): void {
  http.get(`${__ENV['BASE']}/`);
}
