import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { localCoordination, remoteCoordination, startCoordinator } from '../support/coordinator.ts';
import type { Coordination } from '../support/coordinator.ts';

async function slotTimes(coordinations: readonly Coordination[], each: number): Promise<number[]> {
  const start = performance.now();
  const times: number[] = [];
  await Promise.all(
    coordinations.map(async (c) => {
      for (let i = 0; i < each; i++) {
        await c.slot();
        times.push(performance.now() - start);
      }
    }),
  );
  return times.sort((a, b) => a - b);
}

test('pacing is one budget across clients: 2 clients x 5 slots at 20/s, slot i never before i x 50 ms', async () => {
  const coordinator = await startCoordinator(20);
  try {
    const times = await slotTimes([remoteCoordination(coordinator.url), remoteCoordination(coordinator.url)], 5);
    assert.equal(times.length, 10);
    // A busy machine can only make a slot late, never early: the i-th grant comes at i x 50 ms at the soonest (a few
    // ms of timer granularity allowed). Without pacing all ten arrive within a few ms.
    times.forEach((t, i) => assert.ok(t >= i * 50 - 5, `slot ${i} at ${t.toFixed(1)} ms, before ${i * 50} ms`));
  } finally {
    await coordinator.stop();
  }
});

test('no cap: slots are granted at once', async () => {
  const coordinator = await startCoordinator(undefined);
  try {
    const times = await slotTimes([remoteCoordination(coordinator.url)], 20);
    assert.ok((times.at(-1) ?? 0) < 400, `20 unpaced slots took ${times.at(-1)} ms`);
  } finally {
    await coordinator.stop();
  }
});

async function guardIsExclusiveAndCounts(make: () => Coordination): Promise<void> {
  const a = make();
  const b = make();
  let inside = 0;
  let most = 0;
  const seen: (number | undefined)[] = [];
  const attempt = (c: Coordination) =>
    c.withAccount('http://t acct', async (failures) => {
      seen.push(failures);
      inside += 1;
      most = Math.max(most, inside);
      await sleep(10);
      inside -= 1;
      return { value: null, failures: (failures ?? 0) + 1 };
    });
  await Promise.all([attempt(a), attempt(b), attempt(a), attempt(b)]);
  assert.equal(most, 1, 'one holder at a time');
  assert.deepEqual(seen, [undefined, 1, 2, 3], 'the count carries across holders; unknown at first');
  // A failing holder leaves the count unknown, so the next one resets the account first.
  await assert.rejects(
    a.withAccount('http://t acct', () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  await b.withAccount('http://t acct', async (failures) => {
    assert.equal(failures, undefined);
    return { value: null, failures: 0 };
  });
}

test('account guard across processes (remote): exclusive, counts carried, unknown after a failed holder', async () => {
  const coordinator = await startCoordinator(undefined);
  try {
    await guardIsExclusiveAndCounts(() => remoteCoordination(coordinator.url));
  } finally {
    await coordinator.stop();
  }
});

test('account guard in one process (local): the same rules', async () => {
  const shared = localCoordination(undefined);
  await guardIsExclusiveAndCounts(() => shared);
});
