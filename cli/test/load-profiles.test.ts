// Load profiles as data: the shipped file is valid and in k6's shapes; overrides reshape it; bad files fail clearly.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { LoadInputError } from '../../load/lib/input-error.ts';
import {
  applyOverrides,
  parseProfiles,
  readOverrides,
  scheduleDurationMs,
  scheduledIterations,
  selectProfile,
  toScenario,
} from '../../load/lib/profiles.ts';
import { wrongPasswordPlan } from '../../load/lib/wrong-password.ts';

const shipped = parseProfiles(readFileSync('config/profiles.json', 'utf8'), 'config/profiles.json');
const noOverrides = readOverrides({});

function profileText(profile: Record<string, unknown>): string {
  return JSON.stringify({ profiles: { p: profile } });
}
const valid = { stages: [{ duration: '10s', target: 10 }], preAllocatedVUs: 2, maxVUs: 5 };

describe('config/profiles.json', () => {
  it('declares the six k6 load test types, all open model (ramping-arrival-rate)', () => {
    assert.deepEqual(
      [...shipped.keys()].sort(),
      ['average-load', 'breakpoint', 'smoke', 'soak', 'spike', 'stress'].sort(),
    );
    for (const profile of shipped.values()) {
      const scenario = toScenario(profile);
      assert.equal(scenario.executor, 'ramping-arrival-rate');
      assert.ok(scenario.maxVUs >= scenario.preAllocatedVUs);
    }
  });

  it('keeps smoke short and light, soak long, and only breakpoint aborting on failure', () => {
    const smoke = selectProfile(shipped, 'smoke');
    assert.ok(scheduleDurationMs(smoke) >= 10_000 && scheduleDurationMs(smoke) <= 20_000);
    assert.ok(Math.max(...smoke.stages.map((s) => s.target)) <= 10);
    assert.ok(scheduleDurationMs(selectProfile(shipped, 'soak')) >= 8 * 3_600_000);
    assert.deepEqual(
      [...shipped.values()].filter((p) => p.abortOnFail).map((p) => p.name),
      ['breakpoint'],
    );
    const spike = selectProfile(shipped, 'spike');
    assert.equal(spike.stages.at(-1)?.target, 0, 'a spike ends by ramping straight down');
  });
});

describe('schedule arithmetic', () => {
  it('counts the iterations under linear ramps', () => {
    const p = parseProfiles(
      profileText({
        ...valid,
        startRate: 0,
        stages: [
          { duration: '10s', target: 10 },
          { duration: '5s', target: 10 },
        ],
      }),
      't',
    ).get('p');
    assert.ok(p);
    assert.equal(scheduledIterations(p), 50 + 50);
    assert.equal(scheduleDurationMs(p), 15_000);
  });

  it('scales rates, VUs and durations from env, never scaling a live rate to zero', () => {
    const avg = selectProfile(shipped, 'average-load');
    const scaled = applyOverrides(avg, readOverrides({ LOAD_RATE_SCALE: '0.01', LOAD_DURATION_SCALE: '0.1' }));
    assert.deepEqual(
      scaled.stages.map((s) => [s.duration, s.target]),
      [
        ['30s', 1],
        ['180s', 1],
        ['30s', 0],
      ],
    );
    assert.equal(scaled.maxVUs, 1);
    assert.equal(scaled.preAllocatedVUs, 1);
  });

  it('replaces stages and VU counts explicitly', () => {
    const smoke = selectProfile(shipped, 'smoke');
    const o = readOverrides({ LOAD_STAGES: '2s:3, 1500ms:0', LOAD_MAX_VUS: '7', LOAD_PRE_ALLOCATED_VUS: '9' });
    const p = applyOverrides(smoke, o);
    assert.deepEqual(p.stages, [
      { duration: '2s', target: 3 },
      { duration: '1500ms', target: 0 },
    ]);
    assert.equal(p.maxVUs, 7);
    assert.equal(p.preAllocatedVUs, 7, 'preAllocatedVUs never exceeds maxVUs');
    assert.equal(applyOverrides(smoke, noOverrides).stages.length, smoke.stages.length);
  });
});

describe('bad input is one clear LoadInputError', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['malformed JSON', () => parseProfiles('{"profiles": ', 'f.json'), /f\.json is not valid JSON/],
    ['no profiles', () => parseProfiles('{"profiles": {}}', 'f.json'), /non-empty "profiles"/],
    ['no stages', () => parseProfiles(profileText({ ...valid, stages: [] }), 'f'), /"stages" must be a non-empty/],
    [
      'bad duration',
      () => parseProfiles(profileText({ ...valid, stages: [{ duration: '10 sec', target: 1 }] }), 'f'),
      /not a duration/,
    ],
    [
      'negative target',
      () => parseProfiles(profileText({ ...valid, stages: [{ duration: '1s', target: -1 }] }), 'f'),
      /target/,
    ],
    [
      'preAllocated > max',
      () => parseProfiles(profileText({ ...valid, preAllocatedVUs: 9 }), 'f'),
      /must not exceed maxVUs/,
    ],
    ['unknown profile', () => selectProfile(shipped, 'smoek'), /unknown profile "smoek": choose one of smoke, /],
    ['rate scale', () => readOverrides({ LOAD_RATE_SCALE: '0' }), /LOAD_RATE_SCALE="0"/],
    ['duration scale', () => readOverrides({ LOAD_DURATION_SCALE: 'fast' }), /LOAD_DURATION_SCALE="fast"/],
    ['stages', () => readOverrides({ LOAD_STAGES: '10s' }), /LOAD_STAGES="10s" is invalid/],
    ['max VUs', () => readOverrides({ LOAD_MAX_VUS: '2.5' }), /LOAD_MAX_VUS="2.5"/],
    ['wrong-password share', () => readOverrides({ LOAD_WRONG_PASSWORD_SHARE: '1.5' }), /LOAD_WRONG_PASSWORD_SHARE/],
  ];
  for (const [name, fn, message] of cases) {
    it(name, () => {
      assert.throws(fn, (error: unknown) => {
        assert.ok(error instanceof LoadInputError);
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      });
    });
  }
});

it('wrong passwords: never two in a row for a VU, the configured share kept, at most 0.5', () => {
  let seed = 7;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (const share of [0.05, 0.2, 0.5]) {
    const next = wrongPasswordPlan(share, random);
    const plan = Array.from({ length: 20_000 }, () => next());
    assert.ok(!plan.some((wrong, i) => wrong && plan[i - 1] === true), `two wrong in a row at share ${share}`);
    const observed = plan.filter(Boolean).length / plan.length;
    assert.ok(Math.abs(observed - share) < 0.015, `share ${share}: observed ${observed}`);
  }
  assert.throws(() => wrongPasswordPlan(0.6), /at most every other login can be wrong/);
  assert.throws(() => readOverrides({ LOAD_WRONG_PASSWORD_SHARE: '0.7' }), /must be at most 0.5.*never locks/);
});
