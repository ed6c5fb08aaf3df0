// A custom Counter with a tag and a threshold on it.
// expect: exit=0 orders=6 iterations=3
import { Counter } from 'k6/metrics';

const orders = new Counter('orders');
export const options = { iterations: 3, thresholds: { 'orders{kind:pizza}': ['count==3'] } };

export default function () {
  orders.add(1, { kind: 'pizza' });
  orders.add(1, { kind: 'pasta' });
}
