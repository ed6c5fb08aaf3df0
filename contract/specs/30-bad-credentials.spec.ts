// 401: wrong or unknown credentials are rejected with a documented AuthError that carries no session.
import { clauseTag } from '../clauses.ts';
import { errorIsExplained, errorStatusMatches, rejectionCarriesNoSession, statusIs } from '../checks/errors.ts';
import { errorRevealsNoInternals, responseHasNoPassword } from '../checks/security.ts';
import type { Exchange } from '../support/http.ts';
import { unknownIdentifier, wrongPassword } from '../support/credentials.ts';
import { expect, test } from '../support/test.ts';

async function expectRejected(exchange: Exchange, scenario: string, password: string): Promise<void> {
  await expect(exchange).toMatchDocumentedResponse();
  expect(statusIs('AUTH-REJECTS-BAD-CREDENTIALS', 401, exchange.response.status, scenario)).toHold();
  const { response } = exchange;
  await test.step('AuthError semantics: status matches, explained, no session, nothing internal or secret', () => {
    expect.soft(rejectionCarriesNoSession(response.text, response.headers)).toHold();
    expect.soft(errorStatusMatches(response.status, response.text)).toHold();
    expect.soft(errorIsExplained(response.text)).toHold();
    expect.soft(errorRevealsNoInternals(response)).toHold();
    expect.soft(responseHasNoPassword(response, password)).toHold();
  });
}

test.describe('401 — bad credentials', () => {
  test(
    `${clauseTag('AUTH-REJECTS-BAD-CREDENTIALS')} wrong password gets 401 AuthError`,
    { tag: '@smoke' },
    async ({ api }) => {
      const password = wrongPassword(api);
      await expectRejected(await api.failedLogin('wrong password', password), 'wrong password', password);
    },
  );

  test(`${clauseTag('AUTH-REJECTS-BAD-CREDENTIALS')} unknown identifier gets 401 AuthError`, async ({ api }) => {
    const password = wrongPassword(api);
    const body = { identifier: unknownIdentifier(api), password };
    await expectRejected(await api.call('unknown identifier', { body }), 'unknown identifier', password);
  });

  test(`${clauseTag('AUTH-REJECTS-BAD-CREDENTIALS')} empty password gets 401 AuthError`, async ({ api }) => {
    await expectRejected(await api.failedLogin('empty password', ''), 'empty password', '');
  });

  test(`${clauseTag('AUTH-REJECTS-BAD-CREDENTIALS')} the password is case-sensitive and not trimmed`, async ({
    api,
  }) => {
    // Variants of the probe account's own password (the account that takes failed logins).
    const own = api.probe.password;
    const variants: [string, string][] = [
      ['password with its case swapped', swapCase(own)],
      ['password with a trailing space', `${own} `],
      ['password without its last character', own.slice(0, -1)],
    ];
    for (const [scenario, password] of variants.filter(([, p]) => p !== own)) {
      await expectRejected(await api.failedLogin(scenario, password), scenario, password);
    }
  });
});

function swapCase(text: string): string {
  return [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}
