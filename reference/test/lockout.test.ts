// --lockout-after / --lockout-s: the state machine with a stepped clock, then the app, where a locked account must be
// indistinguishable from a wrong password (status, headers, body and hashing work).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { MAIN_ACCOUNT } from '../accounts.ts';
import { createLockout } from '../lockout.ts';
import type { AppResponse } from '../reply.ts';
import { testApp } from './support.ts';

const valid = { identifier: MAIN_ACCOUNT.identifier, password: MAIN_ACCOUNT.password };
const wrong = { identifier: MAIN_ACCOUNT.identifier, password: 'Not-The-Passw0rd!' };

/** A clock the test moves by hand. */
function steppedClock(): { now: () => number; advance: (seconds: number) => void } {
  let t = Date.parse('2030-01-01T00:00:00Z');
  return { now: () => t, advance: (seconds) => void (t += seconds * 1000) };
}

describe('lockout state machine', () => {
  test('locks on the Nth consecutive failure, for S seconds; then a fresh count', () => {
    const clock = steppedClock();
    const lockout = createLockout({ after: 3, seconds: 60 }, clock.now);
    assert.deepEqual([lockout.failed('a'), lockout.failed('a')], [false, false]);
    assert.equal(lockout.isLocked('a'), false);
    assert.equal(lockout.failed('a'), true);
    assert.equal(lockout.isLocked('a'), true);
    assert.equal(lockout.failed('a'), false, 'failures during a lock neither count nor extend it');
    clock.advance(59.999);
    assert.equal(lockout.isLocked('a'), true);
    clock.advance(0.001);
    assert.equal(lockout.isLocked('a'), false);
    assert.deepEqual([lockout.failed('a'), lockout.failed('a')], [false, false], 'the count restarted at 0');
  });

  test('a success resets the count; identifiers are counted apart, case included', () => {
    const lockout = createLockout({ after: 2, seconds: 60 }, steppedClock().now);
    lockout.failed('a');
    lockout.succeeded('a');
    assert.equal(lockout.failed('a'), false);
    assert.equal(lockout.failed('A'), false);
    assert.equal(lockout.failed('b'), false);
    assert.equal(lockout.failed('a'), true);
    assert.deepEqual(['a', 'A', 'b'].map(lockout.isLocked), [true, false, false]);
  });
});

describe('lockout in the app', () => {
  async function lockedApp(): Promise<{
    t: Awaited<ReturnType<typeof testApp>>;
    clock: ReturnType<typeof steppedClock>;
    logs: Record<string, unknown>[];
  }> {
    const clock = steppedClock();
    const logs: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
    const t = await testApp({ lockout: { after: 3, seconds: 900 }, now: clock.now, log });
    return { t, clock, logs };
  }
  const same = (a: AppResponse, b: AppResponse): void => {
    assert.equal(a.status, b.status);
    assert.deepEqual(a.headers, b.headers);
    assert.equal(a.body, b.body);
  };

  test('N wrong passwords lock the account: the right password then gets the identical 401, after the same work', async () => {
    const { t, logs } = await lockedApp();
    const answers = [await t.post(wrong), await t.post(wrong), await t.post(wrong)];
    for (const a of answers) assert.equal(a.status, 401);
    const before = t.identity.verifications();
    const locked = await t.post(valid);
    assert.equal(t.identity.verifications() - before, 1, 'the password is still verified while locked');
    same(locked, answers[0]!);
    same(await t.post(wrong), answers[0]!);

    const lockedLogs = logs.filter((l) => l.msg === 'account locked');
    assert.equal(lockedLogs.length, 1);
    assert.equal(lockedLogs[0]!.identifier, valid.identifier);
    assert.ok(!JSON.stringify(logs).includes(wrong.password), 'no password in the logs');
  });

  test('after S seconds the account unlocks', async () => {
    const { t, clock } = await lockedApp();
    for (let i = 0; i < 3; i++) await t.post(wrong);
    clock.advance(899);
    assert.equal((await t.post(valid)).status, 401);
    clock.advance(1);
    assert.equal((await t.post(valid)).status, 200);
  });

  test('a successful login resets the count', async () => {
    const { t } = await lockedApp();
    for (let round = 0; round < 3; round++) {
      assert.equal((await t.post(wrong)).status, 401);
      assert.equal((await t.post(wrong)).status, 401);
      assert.equal((await t.post(valid)).status, 200, `round ${round}: two failures then a success never lock`);
    }
  });

  test('unknown identifiers are never counted (the identity service matches case-sensitively)', async () => {
    const { t, logs } = await lockedApp();
    for (const identifier of ['nobody@reference.test', valid.identifier.toUpperCase()]) {
      for (let i = 0; i < 5; i++) assert.equal((await t.post({ identifier, password: wrong.password })).status, 401);
    }
    assert.equal((await t.post(valid)).status, 200);
    assert.deepEqual(
      logs.filter((l) => l.msg === 'account locked'),
      [],
    );
  });

  test('off by default: many wrong passwords, then a success', async () => {
    const t = await testApp();
    for (let i = 0; i < 10; i++) await t.post(wrong);
    assert.equal((await t.post(valid)).status, 200);
  });
});
