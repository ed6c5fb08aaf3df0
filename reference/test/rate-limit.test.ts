// --rate-limit: the token bucket with a stepped clock, then the app's 429 (before routing and body parsing).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAIN_ACCOUNT } from '../accounts.ts';
import { createRateLimiter } from '../rate-limit.ts';
import { json, testApp } from './support.ts';

const valid = { identifier: MAIN_ACCOUNT.identifier, password: MAIN_ACCOUNT.password };

function steppedClock(): { now: () => number; advance: (ms: number) => void } {
  let t = Date.parse('2030-01-01T00:00:00Z');
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('rate limiter', () => {
  test('N per second per client: the N+1th waits (Retry-After >= 1), other clients do not, the next second is allowed', () => {
    const clock = steppedClock();
    const limiter = createRateLimiter(3, clock.now);
    assert.deepEqual(
      [1, 2, 3].map(() => limiter.take('10.0.0.1')),
      [0, 0, 0],
    );
    assert.equal(limiter.take('10.0.0.1'), 1);
    assert.equal(limiter.take('10.0.0.2'), 0, 'another client has its own bucket');
    clock.advance(999);
    assert.equal(limiter.take('10.0.0.1'), 0, 'refilled at N/s: one token after a third of a second');
    clock.advance(1000);
    assert.deepEqual(
      [1, 2, 3].map(() => limiter.take('10.0.0.1')),
      [0, 0, 0],
    );
    assert.equal(limiter.take('10.0.0.1'), 1);
  });

  test('sustained over the rate, only N per second get through', () => {
    const clock = steppedClock();
    const limiter = createRateLimiter(5, clock.now);
    let allowed = 0;
    for (let ms = 0; ms < 10_000; ms += 10) {
      if (limiter.take('c') === 0) allowed += 1;
      clock.advance(10);
    }
    assert.ok(allowed >= 50 && allowed <= 55, `allowed ${allowed} in 10 s at 5/s (burst of 5 included)`);
  });
});

describe('rate limit in the app', () => {
  test('the N+1th request in a second gets a 429 AuthError with Retry-After; another address does not', async () => {
    const clock = steppedClock();
    const t = await testApp({ rateLimit: 2, now: clock.now });
    const from = (remoteAddress: string) => ({ remoteAddress });
    assert.equal((await t.post(valid, 'application/json', from('10.0.0.1'))).status, 200);
    // Any path, method or body counts, and the limit is checked before the body is parsed.
    assert.equal((await t.call({ method: 'GET', url: '/elsewhere', ...from('10.0.0.1') })).status, 404);
    const limited = await t.post('{not json', 'application/json', from('10.0.0.1'));
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['content-type'], 'application/json');
    assert.equal(limited.headers['cache-control'], 'no-store');
    assert.match(limited.headers['retry-after'] ?? '', /^[1-9]\d*$/);
    assert.deepEqual(Object.keys(json(limited) as object).sort(), ['error', 'message', 'status']);
    assert.equal((json(limited) as { error: string }).error, 'too_many_requests');
    assert.equal((json(limited) as { status: number }).status, 429);

    assert.equal((await t.post(valid, 'application/json', from('10.0.0.2'))).status, 200);
    clock.advance(1000);
    assert.equal((await t.post(valid, 'application/json', from('10.0.0.1'))).status, 200);
  });

  test('off by default', async () => {
    const t = await testApp();
    for (let i = 0; i < 20; i++) assert.equal((await t.call({ method: 'GET' })).status, 405);
  });
});
