// 401: wrong or unknown credentials are rejected with a documented AuthError, and a rejection never tells whether
// the account exists — not by its body, not by its timing.
import { randomUUID } from 'node:crypto';
import { clauseTag } from '../clauses.ts';
import { errorIsExplained, errorStatusMatches, rejectionCarriesNoSession, statusIs } from '../checks/errors.ts';
import {
  compareTimings,
  errorRevealsNoInternals,
  rejectionsAreIdentical,
  rejectionTimingsAreIndistinguishable,
  responseHasNoPassword,
  timingThresholds,
} from '../checks/security.ts';
import type { Exchange } from '../support/http.ts';
import { expect, test } from '../support/test.ts';
import type { LoginApi } from '../support/test.ts';

function unknownIdentifier(api: LoginApi): string {
  const domain = api.identifier.split('@')[1] ?? 'example.test';
  return `no-such-account-${randomUUID().slice(0, 8)}@${domain}`;
}

function wrongPassword(api: LoginApi): string {
  return `Wrong-${randomUUID().slice(0, 12)}!${api.password.length}`;
}

async function expectRejected(exchange: Exchange, scenario: string, password: string): Promise<void> {
  await expect(exchange).toMatchDocumentedResponse();
  expect(statusIs('AUTH-REJECTS-BAD-CREDENTIALS', 401, exchange.response.status, scenario)).toPass();
  const { response } = exchange;
  await test.step('AuthError semantics: status matches, explained, no session, nothing internal or secret', () => {
    expect.soft(rejectionCarriesNoSession(response.text, response.headers)).toPass();
    expect.soft(errorStatusMatches(response.status, response.text)).toPass();
    expect.soft(errorIsExplained(response.text)).toPass();
    expect.soft(errorRevealsNoInternals(response)).toPass();
    expect.soft(responseHasNoPassword(response, password)).toPass();
  });
}

test.describe('401 — bad credentials', () => {
  test(
    `${clauseTag('AUTH-REJECTS-BAD-CREDENTIALS')} wrong password gets 401 AuthError`,
    { tag: '@smoke' },
    async ({ api }) => {
      const password = wrongPassword(api);
      await expectRejected(
        await api.call('wrong password', { body: { identifier: api.identifier, password } }),
        'wrong password',
        password,
      );
    },
  );

  test(`${clauseTag('AUTH-REJECTS-BAD-CREDENTIALS')} unknown identifier gets 401 AuthError`, async ({ api }) => {
    const password = wrongPassword(api);
    const body = { identifier: unknownIdentifier(api), password };
    await expectRejected(await api.call('unknown identifier', { body }), 'unknown identifier', password);
  });

  test(`${clauseTag('AUTH-REJECTS-BAD-CREDENTIALS')} empty password gets 401 AuthError`, async ({ api }) => {
    await expectRejected(
      await api.call('empty password', { body: { identifier: api.identifier, password: '' } }),
      'empty password',
      '',
    );
  });

  test(`${clauseTag('AUTH-REJECTS-BAD-CREDENTIALS')} the password is case-sensitive and not trimmed`, async ({
    api,
  }) => {
    const variants: [string, string][] = [
      ['password with its case swapped', swapCase(api.password)],
      ['password with a trailing space', `${api.password} `],
      ['password without its last character', api.password.slice(0, -1)],
    ];
    for (const [scenario, password] of variants.filter(([, p]) => p !== api.password)) {
      await expectRejected(
        await api.call(scenario, { body: { identifier: api.identifier, password } }),
        scenario,
        password,
      );
    }
  });

  test(`${clauseTag('SEC-NO-ENUMERATION-BODY')} unknown identifier and wrong password get identical 401s`, async ({
    api,
  }) => {
    const password = wrongPassword(api);
    const unknown = await api.call('unknown identifier', { body: { identifier: unknownIdentifier(api), password } });
    const wrong = await api.call('wrong password', { body: { identifier: api.identifier, password } });
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
        const probes = [
          { list: unknownMs, body: { identifier: unknownIdentifier(api), password } },
          { list: wrongMs, body: { identifier: api.identifier, password } },
        ];
        if (i % 2 === 1) probes.reverse();
        for (const probe of probes) {
          const exchange = await api.call('timing sample', { body: probe.body, attach: false });
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

function swapCase(text: string): string {
  return [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}
