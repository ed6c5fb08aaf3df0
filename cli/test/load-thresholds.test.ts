// load/lib/thresholds.ts beyond the grammar table (load/engine/test/format-table.test.ts): the parsed shape, metric
// keys with tag filters, the comparison operators and the metric-type rules.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  aggregationApplies,
  compare,
  parseMetricKey,
  parseThreshold,
  percentileOf,
} from '../../load/lib/thresholds.ts';

test('k6 threshold expressions are parsed', () => {
  assert.deepEqual(parseThreshold('p(95)<500'), { source: 'p(95)<500', stat: 'p(95)', op: '<', limit: 500 });
  assert.deepEqual(parseThreshold('rate >= 0.99'), { source: 'rate >= 0.99', stat: 'rate', op: '>=', limit: 0.99 });
  assert.equal(parseThreshold('p(99.9) < 1000').stat, 'p(99.9)');
  assert.equal(parseThreshold('count==0').op, '==');
  assert.equal(percentileOf('p(99.9)'), 99.9);
  assert.equal(percentileOf('avg'), undefined);
});

test('malformed threshold expressions and metric keys are refused with one line', () => {
  assert.throws(() => parseThreshold('p95<500'), /not a k6 threshold expression/);
  assert.throws(() => parseThreshold('avg<fast'), /not a k6 threshold expression/);
  assert.throws(() => parseMetricKey('http_req_duration{status}'), /not tag:value/);
});

test('submetric keys keep their tag filter', () => {
  assert.deepEqual(parseMetricKey('http_req_duration{name:login, expected_response:true}').tags, {
    name: 'login',
    expected_response: 'true',
  });
  assert.deepEqual(parseMetricKey('checks').tags, {});
});

test('comparison operators behave like k6', () => {
  assert.equal(compare(499, '<', 500), true);
  assert.equal(compare(500, '<', 500), false);
  assert.equal(compare(500, '<=', 500), true);
  assert.equal(compare(0, '==', 0), true);
  assert.equal(compare(1, '!=', 0), true);
  assert.equal(compare(0, '===', 0), true);
});

test('aggregations apply to the metric types k6 documents', () => {
  assert.equal(aggregationApplies('p(95)', 'trend'), true);
  assert.equal(aggregationApplies('med', 'trend'), true);
  assert.equal(aggregationApplies('rate', 'counter'), true);
  assert.equal(aggregationApplies('count', 'counter'), true);
  assert.equal(aggregationApplies('value', 'gauge'), true);
  assert.equal(aggregationApplies('avg', 'rate'), false);
  assert.equal(aggregationApplies('count', 'rate'), false);
  assert.equal(aggregationApplies('p(95)', 'counter'), false);
});
