// 502 when the identity backend fails (only inducible on a target built for it), and the other methods on the
// login path, which must never succeed.
import { clauseTag } from '../clauses.ts';
import { errorIsExplained, errorStatusMatches, methodDoesNotSucceed, statusIs } from '../checks/errors.ts';
import { errorRevealsNoInternals, responseHasNoPassword } from '../checks/security.ts';
import { expect, test } from '../support/test.ts';

test.describe('502 — identity backend failure', () => {
  test(
    `${clauseTag('UPSTREAM-502')} a failing identity backend gets 502 AuthError`,
    { tag: '@smoke' },
    async ({ api, suite }) => {
      test.skip(
        suite.faultBaseUrl === undefined,
        'not inducible on this target: set AUTH_FAULT_BASE_URL to a deployment whose identity upstream fails, or waive with CONTRACT_WAIVERS=502=<reason>',
      );
      const exchange = await api.call('valid credentials, identity backend down', {
        body: { identifier: api.identifier, password: api.password },
        target: 'fault',
      });
      await expect(exchange).toMatchDocumentedResponse();
      expect(statusIs('UPSTREAM-502', 502, exchange.response.status, 'identity backend down')).toHold();
      const { response } = exchange;
      expect.soft(errorStatusMatches(response.status, response.text)).toHold();
      expect.soft(errorIsExplained(response.text)).toHold();
      expect.soft(errorRevealsNoInternals(response)).toHold();
      expect.soft(responseHasNoPassword(response, api.password)).toHold();
    },
  );
});

test.describe('other methods', () => {
  for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
    test(`${clauseTag('METHODS')} ${method} on the login path does not succeed`, async ({ api }) => {
      const withBody = method === 'PUT' || method === 'PATCH';
      const exchange = await api.call(`${method} instead of POST`, {
        method,
        ...(withBody ? { body: { identifier: api.identifier, password: api.password } } : {}),
      });
      expect(methodDoesNotSucceed(method, exchange.response.status, exchange.response.text)).toHold();
      expect(responseHasNoPassword(exchange.response, api.password)).toHold();
    });
  }
});
