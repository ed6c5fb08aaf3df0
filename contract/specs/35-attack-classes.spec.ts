// Attack classes a login endpoint meets (OWASP WSTG authentication and input-validation tests that apply to a JSON
// login): credentials through another channel than the JSON body, injection payloads, oversized fields and what a long
// password costs, and CORS. The inputs are the named lists of ../attacks.ts; every request that names a real account
// goes through the account guard (api.failedLogin / api.guardedLogin), so no run can lock it.
import { randomUUID } from 'node:crypto';
import { corsProbeOrigins, injectionPayloads, methodOverrideHeaders, payloadValue } from '../attacks.ts';
import type { InjectionPayload } from '../attacks.ts';
import { clauseTag } from '../clauses.ts';
import { didNotLogIn, longPasswordCostIsBounded, rejectedWithout5xx, statusIsOneOf } from '../checks/attacks.ts';
import { corsDoesNotReflectWithCredentials } from '../checks/headers.ts';
import { unknownIdentifier, wrongPassword } from '../support/credentials.ts';
import type { Exchange } from '../support/http.ts';
import { expect, test } from '../support/test.ts';
import type { LoginApi, PostOptions } from '../support/test.ts';

type Account = { readonly identifier: string; readonly password: string };

test.describe('attack classes', () => {
  // The probes carry the probe account's real password, or they could not show that a channel logs in. Each goes
  // through the account guard: on a target that does count a refused request as a failed login, the guard's reset
  // keeps the account below any lockout threshold. A password in a query string may land in the target's access logs
  // and in proxies: run against real targets with a PROBE_IDENTIFIER account meant for it (contract/README.md).
  test(`${clauseTag('CREDENTIALS-CHANNEL')} credentials in a query string, a form body, Basic auth or a method override never log in`, async ({
    api,
  }) => {
    const json = (a: Account) => ({ identifier: a.identifier, password: a.password });
    const probes: [string, (a: Account) => PostOptions][] = [
      ['POST with the credentials in the query string and no body', (a) => ({ query: json(a) })],
      ['GET with the credentials in the query string', (a) => ({ method: 'GET', query: json(a) })],
      [
        'POST with a form-encoded body (application/x-www-form-urlencoded)',
        (a) => ({ body: new URLSearchParams(json(a)).toString(), contentType: 'application/x-www-form-urlencoded' }),
      ],
      [
        'POST with Authorization: Basic and no body',
        (a) => ({
          headers: { authorization: `Basic ${Buffer.from(`${a.identifier}:${a.password}`).toString('base64')}` },
        }),
      ],
      ...methodOverrideHeaders.map((name): [string, (a: Account) => PostOptions] => [
        `GET with ${name}: POST and the JSON body`,
        (a) => ({ method: 'GET', body: json(a), headers: { [name]: 'POST' } }),
      ]),
    ];
    for (const [scenario, build] of probes) {
      await test.step(scenario, async () => {
        const exchange = await api.guardedLogin(scenario, build);
        expect(didNotLogIn('CREDENTIALS-CHANNEL', scenario, exchange.response)).toHold();
        // A POST is the documented operation, whatever it carries: its answer must be documented (a 400 here).
        if (exchange.request.method === 'POST') await expect.soft(exchange).toMatchDocumentedResponse();
      });
    }
  });

  test(`${clauseTag('INJECTION')} SQL, NoSQL, LDAP and wildcard payloads never log in and never get a 5xx (${injectionPayloads.length} payloads)`, async ({
    api,
  }) => {
    for (const payload of injectionPayloads) {
      await test.step(`${payload.family}: ${payload.name}`, async () => {
        const exchange = await sendPayload(api, payload);
        const { response } = exchange;
        expect(rejectedWithout5xx('INJECTION', payload.name, response)).toHold();
        await expect.soft(exchange).toMatchDocumentedResponse();
        // The status itself is the contract's: an object where a string belongs is malformed, a string is a login.
        const clause = payload.expected.includes(401) ? 'AUTH-REJECTS-BAD-CREDENTIALS' : 'REQUEST-VALIDATION';
        expect.soft(statusIsOneOf(clause, payload.expected, response.status, payload.name)).toHold();
      });
    }
  });

  // Sizes fit a 16 KiB body limit (the reference's; a remote target's is unknown, and 16 KiB fits under every common
  // default): config/contract-limits.json. Unknown identifiers only: no account is touched.
  test(`${clauseTag('INPUT-SIZE')} identifier and password of 1 KiB, 8 KiB and near the body limit get a documented 400 or 401, never a 5xx`, async ({
    api,
    suite,
  }) => {
    const { fieldBytes, nearLimitBodyBytes } = suite.limits;
    for (const field of ['identifier', 'password'] as const) {
      for (const size of [...fieldBytes, 'near-limit' as const]) {
        const body = longBody(api, field, size, nearLimitBodyBytes);
        const bytes = Buffer.byteLength(body[field]);
        const scenario = `${field} of ${bytes} bytes${size === 'near-limit' ? ` (a ${nearLimitBodyBytes}-byte body)` : ''}`;
        await test.step(scenario, async () => {
          const exchange = await api.call(scenario, { body, attach: bytes <= 1024 });
          expect(rejectedWithout5xx('INPUT-SIZE', scenario, exchange.response)).toHold();
          await expect.soft(exchange).toMatchDocumentedResponse();
        });
      }
    }
  });

  test(`${clauseTag('LONG-PASSWORD-COST')} a near-limit password is answered within a bounded factor of a normal wrong password`, async ({
    api,
    suite,
  }, testInfo) => {
    const { nearLimitBodyBytes } = suite.limits;
    const normalMs: number[] = [];
    const longMs: number[] = [];
    // One warm-up pair, then 3 interleaved pairs (alternating which goes first); unknown identifiers, so a target
    // that verifies a dummy hash for them (as it must, SEC-NO-ENUMERATION-TIMING) pays the same cost as for an account.
    for (let pair = 0; pair < 4; pair++) {
      const sends = [
        { list: normalMs, body: { identifier: unknownIdentifier(api), password: wrongPassword(api) } },
        { list: longMs, body: longBody(api, 'password', 'near-limit', nearLimitBodyBytes) },
      ];
      if (pair % 2 === 1) sends.reverse();
      for (const { list, body } of sends) {
        const exchange = await api.call('timed sample', { body, attach: false });
        expect(rejectedWithout5xx('LONG-PASSWORD-COST', 'timed sample', exchange.response)).toHold();
        if (pair > 0) list.push(exchange.durationMs);
      }
    }
    await testInfo.attach('timing samples (ms)', {
      body: JSON.stringify({ limits: suite.limits, normalMs, longMs }, null, 2),
      contentType: 'application/json',
    });
    expect(longPasswordCostIsBounded(normalMs, longMs, suite.limits)).toHold();
  });

  test(`${clauseTag('CORS-CREDENTIALS')} a foreign Origin is never reflected with credentials, in a preflight or a POST`, async ({
    api,
    suite,
  }) => {
    const allowed = suite.config.corsAllowedOrigins;
    for (const origin of corsProbeOrigins(allowed)) {
      await test.step(`Origin: ${origin}`, async () => {
        const preflight = await api.call(`preflight from Origin ${origin}`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
        const scenario = `preflight (OPTIONS) from Origin ${origin}`;
        expect.soft(corsDoesNotReflectWithCredentials(scenario, origin, preflight.response, allowed)).toHold();
        const post = await api.call(`POST from Origin ${origin}`, {
          body: { identifier: unknownIdentifier(api), password: wrongPassword(api) },
          headers: { origin },
        });
        const postScenario = `POST from Origin ${origin}`;
        expect.soft(corsDoesNotReflectWithCredentials(postScenario, origin, post.response, allowed)).toHold();
      });
    }
  });
});

/** An injection payload, sent with the account guard whenever it names the probe account. */
function sendPayload(api: LoginApi, payload: InjectionPayload): Promise<Exchange> {
  const description = `${payload.family} payload: ${payload.name}`;
  switch (payload.target) {
    case 'identifier':
      return api.call(description, {
        body: { identifier: payloadValue(payload, ''), password: wrongPassword(api) },
      });
    case 'identifier-of-probe':
      return api.guardedLogin(description, (a) => ({
        body: { identifier: payloadValue(payload, a.identifier), password: wrongPassword(api) },
      }));
    case 'password-of-probe':
      return api.guardedLogin(description, (a) => ({
        body: { identifier: a.identifier, password: payloadValue(payload, a.identifier) },
      }));
  }
}

/**
 * A body with an unknown identifier whose `field` has `size` bytes (ASCII), or — near-limit — as many as make the whole
 * JSON body `bodyBytes` long.
 */
function longBody(
  api: LoginApi,
  field: 'identifier' | 'password',
  size: number | 'near-limit',
  bodyBytes: number,
): { identifier: string; password: string } {
  const domain = `@${api.identifier.split('@')[1] ?? 'example.test'}`;
  const make = (n: number): { identifier: string; password: string } => {
    const stem = `long-${randomUUID().slice(0, 8)}-`;
    return field === 'identifier'
      ? {
          identifier: `${stem}${'x'.repeat(Math.max(0, n - stem.length - domain.length))}${domain}`,
          password: wrongPassword(api),
        }
      : { identifier: unknownIdentifier(api), password: `${stem}${'x'.repeat(Math.max(0, n - stem.length))}` };
  };
  if (size !== 'near-limit') return make(size);
  const probe = make(0);
  const overhead = Buffer.byteLength(JSON.stringify(probe)) - Buffer.byteLength(probe[field]);
  return make(bodyBytes - overhead);
}
