// One table of k6 threshold expressions and duration strings, run against both copies of the grammar: the project's
// owner (load/lib/thresholds.ts, load/lib/duration.ts) and the engine's own (load/engine/src/thresholds.ts,
// load/engine/src/duration.ts), which stands in for the k6 binary and so imports nothing from load/lib. A change to
// either copy that the other does not share fails here. The rules and where they come from: load/lib/thresholds.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { durationMs } from '../../lib/duration.ts';
import { tryParseThreshold } from '../../lib/thresholds.ts';
import { durationTextMs } from '../src/duration.ts';
import { parseThresholdExpression } from '../src/thresholds.ts';

type Parsed = { stat: string; op: string; limit: number };
const error = 'error' as const;

const expressionCases: readonly [string, Parsed | typeof error][] = [
  ['p(95)<500', { stat: 'p(95)', op: '<', limit: 500 }],
  ['p(99.9) < 1000', { stat: 'p(99.9)', op: '<', limit: 1000 }],
  ['p(90) < 300', { stat: 'p(90)', op: '<', limit: 300 }],
  ['p(0)>=0', { stat: 'p(0)', op: '>=', limit: 0 }],
  ['p(100)<=2000', { stat: 'p(100)', op: '<=', limit: 2000 }],
  ['rate<0.01', { stat: 'rate', op: '<', limit: 0.01 }],
  ['rate>=0.99', { stat: 'rate', op: '>=', limit: 0.99 }],
  ['count>10', { stat: 'count', op: '>', limit: 10 }],
  ['count >= 500', { stat: 'count', op: '>=', limit: 500 }],
  ['avg < 200', { stat: 'avg', op: '<', limit: 200 }],
  ['min<100', { stat: 'min', op: '<', limit: 100 }],
  ['max<3000', { stat: 'max', op: '<', limit: 3000 }],
  ['med<150', { stat: 'med', op: '<', limit: 150 }],
  ['value<4000', { stat: 'value', op: '<', limit: 4000 }],
  ['count==0', { stat: 'count', op: '==', limit: 0 }],
  ['rate===0', { stat: 'rate', op: '===', limit: 0 }],
  ['count!=3', { stat: 'count', op: '!=', limit: 3 }],
  ['  avg<5  ', { stat: 'avg', op: '<', limit: 5 }],
  ['value>-1', { stat: 'value', op: '>', limit: -1 }],
  ['avg<1.5', { stat: 'avg', op: '<', limit: 1.5 }],
  ['count<1e3', { stat: 'count', op: '<', limit: 1000 }],
  ['rate<5E-1', { stat: 'rate', op: '<', limit: 0.5 }],
  ['avg<2e+2', { stat: 'avg', op: '<', limit: 200 }],
  ['p95<500', error],
  ['P(95)<500', error],
  ['AVG<200', error],
  ['Rate<0.01', error],
  ['p( 95 )<500', error],
  ['p(101)<500', error],
  ['p(-1)<500', error],
  ['p(.5)<500', error],
  ['avg<fast', error],
  ['avg<500ms', error],
  ['avg<.5', error],
  ['avg<+1', error],
  ['avg<0x10', error],
  ['avg<Infinity', error],
  ['avg=<5', error],
  ['avg=5', error],
  ['avg<>5', error],
  ['avg 5', error],
  ['sum<5', error],
  ['avg<', error],
  ['', error],
];

const durationCases: readonly [string, number | typeof error][] = [
  ['500ms', 500],
  ['30s', 30_000],
  ['1m', 60_000],
  ['1h', 3_600_000],
  ['1m30s', 90_000],
  ['1h30m', 5_400_000],
  ['2h45m', 9_900_000],
  ['1h2m3s4ms', 3_723_004],
  ['1.5s', 1_500],
  ['1.1s', 1_100],
  ['.5s', 500],
  ['1.s', 1_000],
  ['1.5ms', 1.5],
  ['250us', 0.25],
  ['250µs', 0.25],
  ['1000000ns', 1],
  ['0', 0],
  ['0s', 0],
  ['30', error],
  ['1d', error],
  ['1S', error],
  ['1M', error],
  ['1 s', error],
  [' 1s', error],
  ['1s ', error],
  ['-1s', error],
  ['+1s', error],
  ['.s', error],
  ['s', error],
  ['1..5s', error],
  ['1m30', error],
  ['', error],
];

function fromLib(source: string): Parsed | typeof error {
  const r = tryParseThreshold(source);
  return typeof r === 'string' ? error : { stat: r.stat, op: r.op, limit: r.limit };
}

function fromEngine(source: string): Parsed | typeof error {
  const r = parseThresholdExpression(source);
  return typeof r === 'string' ? error : { stat: r.aggregation, op: r.op, limit: r.target };
}

test(`threshold expressions: load/lib and the engine agree on ${expressionCases.length} cases`, () => {
  for (const [source, want] of expressionCases) {
    assert.deepEqual(fromLib(source), want, `load/lib: ${JSON.stringify(source)}`);
    assert.deepEqual(fromEngine(source), want, `engine: ${JSON.stringify(source)}`);
  }
});

test(`durations: load/lib and the engine agree on ${durationCases.length} cases`, () => {
  for (const [text, want] of durationCases) {
    assert.equal(durationMs(text) ?? error, want, `load/lib: ${JSON.stringify(text)}`);
    assert.equal(durationTextMs(text) ?? error, want, `engine: ${JSON.stringify(text)}`);
  }
});
