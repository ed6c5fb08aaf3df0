// constant-arrival-rate starts iterations at a fixed rate (open model).
// expect: exit=0 iterations>=6 iterations<=11
export const options = {
  scenarios: {
    steady: { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2 },
  },
};

export default function () {}
