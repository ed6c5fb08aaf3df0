// k6/metrics: Counter, Gauge, Rate, Trend. A metric is declared to the worker when the script creates it (init
// context only, as in k6); add() puts a sample into the VU's sink.
import { baseTags, emit, withUserTags } from '../samples.ts';
import { Boolean, Error, Number, String } from '../sandbox-builtins.ts';
import { requireVuContext, type Dict, type VuState } from '../vu-state.ts';

type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

function makeMetricClass(vu: VuState, type: MetricType) {
  return class {
    name: string;
    constructor(name: string, isTime?: boolean) {
      if (!vu.host.isInitPhase()) throw new Error(`metric "${name}" must be created in the init context`);
      const err = vu.host.declareMetric(String(name), type, Boolean(isTime));
      if (err !== '') throw new Error(err);
      this.name = String(name);
    }
    add(value: number | boolean, tags?: Dict): boolean {
      requireVuContext(vu, `${this.name}.add()`);
      const v = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
      if (Number.isNaN(v)) throw new Error(`${this.name}.add(): value ${String(value)} is not a number`);
      emit(vu, this.name, v, withUserTags(baseTags(vu), tags));
      return true;
    }
  };
}

export function createMetricsModule(vu: VuState) {
  return {
    Counter: makeMetricClass(vu, 'counter'),
    Gauge: makeMetricClass(vu, 'gauge'),
    Rate: makeMetricClass(vu, 'rate'),
    Trend: makeMetricClass(vu, 'trend'),
  };
}
