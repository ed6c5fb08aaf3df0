// SLOs as data become k6 thresholds: every objective is there, sized to the schedule, and an empty run cannot pass.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LoadInputError } from '../../load/lib/input-error.ts';
import { applyOverrides, parseProfiles, readOverrides, selectProfile } from '../../load/lib/profiles.ts';
import { objectivesFor, parseSlo, toK6Thresholds } from '../../load/lib/slo.ts';

const profiles = parseProfiles(readFileSync('config/profiles.json', 'utf8'), 'profiles');
const slo = parseSlo(readFileSync('config/slo.json', 'utf8'), 'config/slo.json');
const smoke = selectProfile(profiles, 'smoke');

describe('config/slo.json as k6 thresholds', () => {
  it('covers p95, p99, error rate, checks, undocumented statuses, dropped iterations and minimum samples', () => {
    const thresholds = toK6Thresholds(objectivesFor(slo, smoke), smoke);
    assert.deepEqual(thresholds['http_req_duration{name:login}'], ['p(95)<400', 'p(99)<800']);
    assert.deepEqual(thresholds['http_req_failed{name:login}'], ['rate<0.01']);
    assert.deepEqual(thresholds.checks, ['rate>=0.99']);
    assert.deepEqual(thresholds.login_undocumented_status, ['rate==0']);
    assert.deepEqual(thresholds.dropped_iterations, ['count<=0']);
    const [minSamples] = thresholds['http_reqs{name:login}'] ?? [];
    assert.match(String(minSamples), /^count>=\d+$/);
    assert.ok(Number(String(minSamples).split('>=')[1]) >= 10);
  });

  it('keeps a minimum-samples floor even when the schedule is scaled to almost nothing', () => {
    const tiny = applyOverrides(smoke, readOverrides({ LOAD_STAGES: '1s:1' }));
    const guard = objectivesFor(slo, tiny).find((o) => o.id === 'min-samples');
    assert.equal(guard?.expression, 'count>=10');
  });

  it('uses the object form with abortOnFail for breakpoint, except for guards that fail at the start', () => {
    const breakpoint = selectProfile(profiles, 'breakpoint');
    const thresholds = toK6Thresholds(objectivesFor(slo, breakpoint), breakpoint);
    assert.deepEqual(thresholds['http_req_duration{name:login}']?.[0], {
      threshold: 'p(95)<500',
      abortOnFail: true,
      delayAbortEval: '1m',
    });
    assert.equal(typeof thresholds['http_reqs{name:login}']?.[0], 'string');
    assert.equal(typeof thresholds.dropped_iterations?.[0], 'string');
  });

  it('applies per-profile overrides on top of the defaults', () => {
    const stress = selectProfile(profiles, 'stress');
    const p95 = objectivesFor(slo, stress).find((o) => o.id === 'latency-p95');
    assert.equal(p95?.expression, 'p(95)<1000');
  });

  it('checks the contract under load at its strictest by default, also for SLO files written before it', () => {
    const smoke = selectProfile(profiles, 'smoke');
    const expressions = (file: typeof slo) =>
      objectivesFor(file, smoke)
        .filter((o) => o.id === 'contract' || o.id === 'identity')
        .map((o) => `${o.metric} ${o.expression}`);
    const expected = ['login_contract_ok rate>=1', 'login_identity_ok rate>=1'];
    assert.deepEqual(expressions(slo), expected);
    const { contractOkRateMin: _c, identityOkRateMin: _i, ...older } = slo.defaults;
    assert.deepEqual(expressions(parseSlo(JSON.stringify({ defaults: older }), 'old.json')), expected);
    const relaxed = parseSlo(JSON.stringify({ defaults: { ...slo.defaults, contractOkRateMin: 0.999 } }), 'x.json');
    assert.deepEqual(expressions(relaxed), ['login_contract_ok rate>=0.999', 'login_identity_ok rate>=1']);
  });
});

describe('malformed SLO files fail with one line', () => {
  const defaults = JSON.parse(readFileSync('config/slo.json', 'utf8')).defaults as Record<string, number>;
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{', /is not valid JSON/],
    ['no defaults', '{}', /"defaults" object/],
    ['missing key', JSON.stringify({ defaults: { ...defaults, loginP95Ms: undefined } }), /"loginP95Ms" is missing/],
    ['unknown key', JSON.stringify({ defaults: { ...defaults, p95: 1 } }), /unknown key "p95"/],
    [
      'share above 1',
      JSON.stringify({ defaults: { ...defaults, errorRateMax: 5 } }),
      /"errorRateMax" must be a number/,
    ],
    [
      'contract share above 1',
      JSON.stringify({ defaults: { ...defaults, contractOkRateMin: 1.5 } }),
      /"contractOkRateMin" must be a number from 0 to 1/,
    ],
    ['empty guard', JSON.stringify({ defaults: { ...defaults, minSamplesFloor: 0 } }), /must be at least 1/],
    ['bad profile', JSON.stringify({ defaults, profiles: { smoke: { loginP95Ms: 'fast' } } }), /profiles\.smoke/],
  ];
  for (const [name, text, message] of cases) {
    it(name, () => {
      assert.throws(
        () => parseSlo(text, 'slo.json'),
        (e: unknown) => e instanceof LoadInputError && message.test(e.message) && !e.message.includes('\n'),
      );
    });
  }
});
