// Account enumeration: a rejection must not tell whether the account exists — not by its 401 body, not by its
// timing. (Its own file, run late: the timing comparison is the suite's most expensive test.)
import { clauseTag } from '../clauses.ts';
import { statusIs } from '../checks/errors.ts';
import {
  compareTimings,
  rejectionsAreIdentical,
  rejectionTimingsAreIndistinguishable,
  timingThresholds,
} from '../checks/security.ts';
import { unknownIdentifier, wrongPassword } from '../support/credentials.ts';
import { expect, test } from '../support/test.ts';

test.describe('401 — no account enumeration', () => {
  test(`${clauseTag('SEC-NO-ENUMERATION-BODY')} unknown identifier and wrong password get identical 401s`, async ({
    api,
  }) => {
    const password = wrongPassword(api);
    const unknown = await api.call('unknown identifier', { body: { identifier: unknownIdentifier(api), password } });
    const wrong = await api.failedLogin('wrong password', password);
    expect(rejectionsAreIdentical(unknown.response, wrong.response)).toPass();
  });

  test(`${clauseTag('SEC-NO-ENUMERATION-TIMING')} unknown identifier and wrong password take the same time`, async ({
    api,
  }, testInfo) => {
    const pairs = 12;
    const warmUp = 2;
    const unknownMs: number[] = [];
    const wrongMs: number[] = [];
    await test.step(`${pairs} interleaved pairs (after ${warmUp} warm-up pairs), alternating which goes first`, async () => {
      for (let i = 0; i < pairs + warmUp; i++) {
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
        if (i % 2 === 1) probes.reverse();
        for (const probe of probes) {
          const exchange = await probe.send();
          expect(statusIs('SEC-NO-ENUMERATION-TIMING', 401, exchange.response.status, 'timing sample')).toPass();
          if (i >= warmUp) probe.list.push(exchange.durationMs);
        }
      }
    });
    const comparison = compareTimings(unknownMs, wrongMs);
    await testInfo.attach('timing samples (ms)', {
      body: JSON.stringify({ thresholds: timingThresholds, comparison, unknownMs, wrongPasswordMs: wrongMs }, null, 2),
      contentType: 'application/json',
    });
    expect(rejectionTimingsAreIndistinguishable(unknownMs, wrongMs)).toPass();
  });
});
