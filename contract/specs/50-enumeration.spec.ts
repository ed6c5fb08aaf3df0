// Account enumeration: a rejection must not tell whether the account exists — not by its 401 body, not by its
// timing. (Its own file, run late: the timing comparison is the suite's most expensive test.)
import { clauseTag } from '../clauses.ts';
import { statusIs } from '../checks/errors.ts';
import { rejectionsAreIdentical } from '../checks/security.ts';
import {
  compareTimings,
  rejectionTimingsAreIndistinguishable,
  timingDecision,
  timingThresholds,
} from '../checks/timing.ts';
import { unknownIdentifier, wrongPassword } from '../support/credentials.ts';
import { expect, test } from '../support/test.ts';

test.describe('401 — no account enumeration', () => {
  test(`${clauseTag('SEC-NO-ENUMERATION-BODY')} unknown identifier and wrong password get identical 401s`, async ({
    api,
  }) => {
    const password = wrongPassword(api);
    const unknown = await api.call('unknown identifier', { body: { identifier: unknownIdentifier(api), password } });
    const wrong = await api.failedLogin('wrong password', password);
    expect(rejectionsAreIdentical(unknown.response, wrong.response)).toHold();
  });

  test(`${clauseTag('SEC-NO-ENUMERATION-TIMING')} unknown identifier and wrong password take the same time`, async ({
    api,
  }, testInfo) => {
    // Up to 6 batches (146 requests plus resets): on a jittery target or a busy runner that outgrows the default.
    test.slow();
    const { pairsPerBatch, maxBatches, warmUpPairs } = timingThresholds;
    const unknownMs: number[] = [];
    const wrongMs: number[] = [];
    const looks: (ReturnType<typeof compareTimings> & { decision: string })[] = [];
    let pairsSent = 0;
    // Interleaved pairs, alternating which goes first, in batches: stop when the answer is clear (checks/timing.ts).
    const samplePairs = async (count: number, record: boolean): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const password = wrongPassword(api);
        // The wrong-password sample goes through the account guard: every few samples a valid login (not timed)
        // resets the provider's failure counter, so the samples never lock the account.
        const probes = [
          {
            list: unknownMs,
            send: () =>
              api.call('timing sample', { body: { identifier: unknownIdentifier(api), password }, attach: false }),
          },
          { list: wrongMs, send: () => api.failedLogin('timing sample', password, { attach: false }) },
        ];
        if (pairsSent++ % 2 === 1) probes.reverse();
        for (const probe of probes) {
          const exchange = await probe.send();
          expect(statusIs('SEC-NO-ENUMERATION-TIMING', 401, exchange.response.status, 'timing sample')).toHold();
          if (record) probe.list.push(exchange.durationMs);
        }
      }
    };
    await test.step(`${warmUpPairs} warm-up pairs`, () => samplePairs(warmUpPairs, false));
    for (let batch = 1; batch <= maxBatches; batch++) {
      await test.step(`batch ${batch}: ${pairsPerBatch} interleaved pairs`, () => samplePairs(pairsPerBatch, true));
      const comparison = compareTimings(unknownMs, wrongMs);
      const decision = timingDecision(comparison);
      looks.push({ ...comparison, decision });
      if (decision !== 'inconclusive') break;
    }
    await testInfo.attach('timing samples (ms)', {
      body: JSON.stringify({ thresholds: timingThresholds, looks, unknownMs, wrongPasswordMs: wrongMs }, null, 2),
      contentType: 'application/json',
    });
    expect(rejectionTimingsAreIndistinguishable(unknownMs, wrongMs)).toHold();
  });
});
