// The load run judges bodies with a validator generated from the pinned spec (load/lib/login-response-validator.js).
// These tests hold it to three promises: it is not stale against the pinned spec; its inlined formats accept what
// ajv-formats accepts; and on every response of the reference and of each catalog defect it agrees with the contract
// suite's validator (the load run never calls good what the contract calls broken, nor the reverse).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Ajv } from 'ajv';
import { repoRoot } from '../../config/index.ts';
import { contractProblems } from '../../load/lib/login-contract.ts';
import { DEFECTS } from '../../reference/defects.ts';
import { PROBE_ACCOUNT } from '../../reference/accounts.ts';
import { failingBackend, testApp } from '../../reference/test/support.ts';
import { loginOperationId } from '../checks/documented.ts';
import { addFormats, loadSpec, pinnedSpecPath } from '../validator/spec.ts';
import {
  generateCommand,
  generatedDtsPath,
  generatedJsPath,
  generateLoadValidator,
  k6Formats,
} from '../validator/standalone.ts';
import { ResponseValidator } from '../validator/validator.ts';

const spec = loadSpec();

describe('generated load validator', () => {
  test('is current with the pinned spec (regenerate with the command in the message)', () => {
    const fresh = generateLoadValidator(spec);
    for (const [path, text] of [
      [generatedJsPath, fresh.js],
      [generatedDtsPath, fresh.dts],
    ] as const) {
      const committed = readFileSync(join(repoRoot, path), 'utf8');
      assert.ok(committed === text, `${path} is stale against ${pinnedSpecPath}: run ${generateCommand}`);
    }
  });

  test('names the spec it was generated from', () => {
    const committed = readFileSync(join(repoRoot, generatedJsPath), 'utf8');
    assert.match(committed, new RegExp(`sha256 ${spec.sha256}`));
  });

  test('refuses a format it cannot check, in one line naming it', () => {
    const text = readFileSync(pinnedSpecPath, 'utf8').replace(
      /(sessionToken:\n\s+type: string)/,
      '$1\n          format: email',
    );
    assert.notEqual(text, readFileSync(pinnedSpecPath, 'utf8'), 'the fixture edit must apply');
    const path = join(tmpdir(), `load-validator-${process.pid}.yaml`);
    writeFileSync(path, text);
    assert.throws(() => generateLoadValidator(loadSpec(path)), /format "email" has no load-side implementation/);
  });
});

describe('inlined formats agree with ajv-formats', () => {
  const ours = k6Formats();
  const reference = new Ajv({ strict: false });
  addFormats(reference);
  const theirs = (format: string, value: unknown): boolean =>
    reference.validate({ type: typeof value === 'number' ? 'number' : 'string', format }, value);
  const check = (format: string, value: unknown): void => {
    const fmt = ours[format] as { validate: (v: unknown) => boolean };
    assert.equal(fmt.validate(value), theirs(format, value), `${format} ${JSON.stringify(value)}`);
  };

  test('date-time on hand-picked edge cases', () => {
    for (const v of [
      '2026-12-04T08:31:41Z',
      '2026-12-04T08:31:41.123456Z',
      '2026-12-04t08:31:41z',
      '2026-12-04 08:31:41+01:00',
      '2026-12-04T08:31:41+0100',
      '2026-12-04T08:31:41+01',
      '2026-12-04T08:31:41',
      '2026-12-04',
      'Fri, 04 Dec 2026 08:31:41 GMT',
      '2024-02-29T00:00:00Z',
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-12-04T24:00:00Z',
      '2026-12-04T23:60:00Z',
      '2016-12-31T23:59:60Z',
      '2016-12-31T23:59:60.5Z',
      '2016-12-31T22:59:60Z',
      '2017-01-01T00:59:60+01:00',
      '2016-12-31T18:59:60-05:00',
      '2026-12-04T08:31:41+24:00',
      '2026-12-04T08:31:41+01:60',
      '2026-12-04T08:31:41.Z',
      '2026-12-04T08:31:41ZZ',
      '2026-12-04TT08:31:41Z',
      '',
    ]) {
      check('date-time', v);
    }
  });

  test('date-time on generated strings', () => {
    const digits = (n: number, max: number) => fc.integer({ min: 0, max }).map((x) => String(x).padStart(n, '0'));
    const dateTime = fc
      .tuple(
        digits(4, 9999),
        digits(2, 14),
        digits(2, 32),
        fc.constantFrom('T', 't', ' ', 'x', ''),
        digits(2, 25),
        digits(2, 61),
        digits(2, 61),
        fc.constantFrom('', '.5', '.123456789', '.'),
        fc.constantFrom('Z', 'z', '', '+01:00', '-05:30', '+0100', '+01', '+24:00', '-00:60'),
      )
      .map(([y, mo, d, sep, h, mi, s, frac, zone]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac}${zone}`);
    fc.assert(
      fc.property(dateTime, (v) => {
        check('date-time', v);
      }),
      { numRuns: 3000 },
    );
  });

  test('int32 and int64 on boundaries', () => {
    for (const v of [0, 1, -1, 401, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 1.5, 401 + 2 ** 32, NaN]) {
      check('int32', v);
    }
    for (const v of [0, 2 ** 53, 1.5, -7]) check('int64', v);
  });
});

describe('the load checks agree with the contract validator', () => {
  const contract = new ResponseValidator(spec);
  const cases: { name: string; defect?: (typeof DEFECTS)[number] }[] = [
    { name: 'healthy' },
    ...DEFECTS.map((defect) => ({ name: defect.name, defect })),
  ];
  test(`on the reference and each of the ${DEFECTS.length} catalog defects (valid, wrong, empty and upstream-failed logins)`, async () => {
    let compared = 0;
    let broken = 0;
    for (const c of cases) {
      const t = await testApp(c.defect ? { defect: c.defect } : {});
      const down = await testApp({ ...(c.defect ? { defect: c.defect } : {}), upstream: failingBackend });
      const login = { identifier: PROBE_ACCOUNT.identifier, password: PROBE_ACCOUNT.password };
      const responses = [
        await t.post(login),
        await t.post({ ...login, password: 'Wrong-Passw0rd!' }),
        await t.post({}),
        await down.post(login),
      ];
      for (const r of responses) {
        const contentType = r.headers['content-type'] ?? '';
        const verdict = contract.validate(loginOperationId, { status: r.status, headers: r.headers, text: r.body });
        const problems = contractProblems(r.status, contentType, r.body) ?? [];
        // The contract validator also checks documented headers; the load side does not (none are documented).
        const contractBroken = verdict.violations.some((v) => v.kind !== 'header');
        assert.equal(
          problems.length > 0,
          contractBroken,
          `${c.name}, status ${r.status}: load says [${problems.join('; ')}], contract says [${verdict.violations.map((v) => v.message).join('; ')}]`,
        );
        compared++;
        if (contractBroken) broken++;
      }
    }
    // The corpus must exercise both answers, or agreement proves nothing.
    assert.ok(broken >= 20 && compared - broken >= 100, `${broken} broken of ${compared} compared`);
  });
});
