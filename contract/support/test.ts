// The `test` every spec imports: fixtures for the suite context and a login API that records redacted
// request/response attachments inside a `test.step`, plus Allure labels derived from the clause tags in the title.
import { test as base } from '@playwright/test';
import type { APIRequestContext, TestInfo } from '@playwright/test';
import * as allure from 'allure-js-commons';
import { clauseById, clauseTag } from '../clauses.ts';
import type { Clause, ClauseId } from '../clauses.ts';
import { advisoryAnnotation, contractPolicy, verdictOf } from '../policy.ts';
import { endpoint, send } from './http.ts';
import type { Exchange } from './http.ts';
import { projectTarget, suiteContext } from './context.ts';
import { stopAfterKill } from '../selftest/stop-after-kill.ts';
import type { SuiteContext } from './context.ts';
import { redactedRequest, redactedResponse } from './redaction.ts';

export { expect } from './matchers.ts';

export interface PostOptions {
  /** Body exactly as sent (text or bytes); other values are JSON-encoded. undefined = no body. */
  readonly body?: unknown;
  /** Content-Type header; null = send none. Default application/json. */
  readonly contentType?: string | null;
  readonly method?: string;
  /** `fault`: the target whose identity upstream is down (for the documented 502). */
  readonly target?: 'main' | 'fault';
  /** Attach request and response to the report (default true; timing samples turn it off). */
  readonly attach?: boolean;
  /** Wrap the request in its own report step (default true; off when the caller already made one). */
  readonly step?: boolean;
  readonly headers?: Readonly<Record<string, string>>;
  /** Query-string parameters appended to the login URL (only the undocumented-channel probes send any). */
  readonly query?: Readonly<Record<string, string>>;
}

/** The most consecutive failed logins the suite lets one account see; identity providers lock after 5–10. */
export const maxConsecutiveFailures = 3;

export class LoginApi {
  constructor(
    private readonly suite: SuiteContext,
    private readonly testInfo: TestInfo,
    private readonly request: APIRequestContext,
  ) {}

  get identifier(): string {
    return this.suite.config.login.identifier;
  }

  /** The configured password: use it only in request bodies, never in titles, messages or annotations. */
  get password(): string {
    return this.suite.config.login.password;
  }

  /**
   * The account that takes the wrong-password probes: PROBE_IDENTIFIER / PROBE_PASSWORD when set (a second account
   * meant for it), else the configured account. Use its password only in request bodies.
   */
  get probe(): { readonly identifier: string; readonly password: string } {
    return this.suite.config.probe ?? this.suite.config.login;
  }

  /**
   * A login that must fail, against the probe account (it exists): lockout-safe. Failed logins on one account are
   * serialised across workers, and once the suite has caused `maxConsecutiveFailures` in a row (or does not know how
   * many: the first one of a run) a valid login resets the provider's counter first, as it does on every mainstream
   * identity provider. So no run, nor a run after it, ever locks the account.
   */
  failedLogin(description: string, password: string, options: Omit<PostOptions, 'body'> = {}): Promise<Exchange> {
    return this.guardedLogin(description, (account) => ({
      ...options,
      body: { identifier: account.identifier, password },
    }));
  }

  /**
   * Any request that names the probe account and may count as a failed login at the provider — its password in
   * another channel (query string, form body, Basic auth), an injection payload built on its identifier, an object
   * where its password belongs — goes through the same guard as `failedLogin`: serialised with the account's other
   * failed logins, counted as one unless it answered 200, and preceded by a reset when the count calls for it.
   */
  guardedLogin(
    description: string,
    build: (account: { identifier: string; password: string }) => PostOptions,
  ): Promise<Exchange> {
    const account = this.probe;
    const options = build(account);
    const key = `${options.target === 'fault' ? this.suite.faultBaseUrl : this.suite.baseUrl} ${account.identifier}`;
    return this.suite.coordination.withAccount(key, async (failures) => {
      let before = failures;
      if (before === undefined || before >= maxConsecutiveFailures) {
        await this.resetFailures(account);
        before = 0; // the valid login just reset the provider's count
      }
      const exchange = await this.call(description, options);
      // Anything but a 200 may count as a failure at the provider: count it (over-counting only resets sooner).
      return { value: exchange, failures: exchange.response.status === 200 ? 0 : before + 1 };
    });
  }

  private async resetFailures(account: { identifier: string; password: string }): Promise<void> {
    const which = account.identifier === this.identifier ? 'LOGIN_IDENTIFIER' : 'PROBE_IDENTIFIER';
    const exchange = await this.call('valid login that resets the failed-login counter', {
      body: account,
      attach: false,
    });
    if (exchange.response.status !== 200) {
      throw new Error(
        `cannot reset the failed-login counter of the ${which} account: a valid login answered ${exchange.response.status} — is the account locked, or its password wrong?`,
      );
    }
  }

  /** POST the configured valid credentials. */
  validLogin(description = 'valid credentials'): Promise<Exchange> {
    return this.call(description, { body: { identifier: this.identifier, password: this.password } });
  }

  /** One request to the login path, as a report step with redacted attachments. */
  async call(description: string, options: PostOptions = {}): Promise<Exchange> {
    const method = options.method ?? this.suite.login.method;
    const baseUrl = options.target === 'fault' ? this.suite.faultBaseUrl : this.suite.baseUrl;
    if (baseUrl === undefined) throw new Error('no fault target is configured (AUTH_FAULT_BASE_URL)');
    const headers: Record<string, string> = { ...options.headers };
    const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
    if (contentType !== null && options.body !== undefined) headers['content-type'] = contentType;
    // Strings and bytes go as they are (bytes: e.g. a body that is not UTF-8); anything else is JSON-encoded.
    const body =
      options.body === undefined || typeof options.body === 'string' || Buffer.isBuffer(options.body)
        ? options.body
        : JSON.stringify(options.body);
    const exchange = async (): Promise<Exchange> => {
      await this.suite.coordination.slot();
      const query = options.query === undefined ? '' : `?${new URLSearchParams(options.query).toString()}`;
      const url = `${endpoint(baseUrl, this.suite.login.path)}${query}`;
      // Playwright's request fixture sends every request it can send exactly. It labels any body it is given
      // (application/octet-stream at least), so a body that must go without a Content-Type takes the byte-exact
      // node:http client instead.
      const sent =
        body !== undefined && headers['content-type'] === undefined
          ? await send({ method, url, headers, body })
          : await viaFixture(this.request, { method, url, headers, body });
      if (options.attach !== false) await this.attach(description, sent);
      return sent;
    };
    return options.step === false
      ? exchange()
      : base.step(`${method} ${this.suite.login.path} — ${description}`, exchange);
  }

  private async attach(description: string, exchange: Exchange): Promise<void> {
    const secrets = this.suite.secrets;
    const render = (value: object): string => JSON.stringify(value, null, 2);
    await this.testInfo.attach(`request: ${description}`, {
      body: render(redactedRequest(exchange, secrets)),
      contentType: 'application/json',
    });
    await this.testInfo.attach(`response ${exchange.response.status}: ${description}`, {
      body: render(redactedResponse(exchange, secrets)),
      contentType: 'application/json',
    });
  }
}

/** One exchange through the request fixture, in the shape the byte-exact client returns (see http.ts). */
async function viaFixture(
  request: APIRequestContext,
  sending: {
    method: string;
    url: string;
    headers: Readonly<Record<string, string>>;
    body: string | Buffer | undefined;
  },
): Promise<Exchange> {
  const headers = { accept: 'application/json', ...sending.headers };
  const sentAt = Date.now();
  const started = performance.now();
  const response = await request.fetch(sending.url, {
    method: sending.method,
    headers,
    // As bytes: given a string under a JSON Content-Type, Playwright re-encodes any text that is not valid JSON as a
    // JSON string, so malformed JSON would never reach the target.
    ...(sending.body === undefined
      ? {}
      : { data: Buffer.isBuffer(sending.body) ? sending.body : Buffer.from(sending.body, 'utf8') }),
    failOnStatusCode: false,
    maxRedirects: 0,
    timeout: 10_000,
  });
  const text = await response.text();
  const durationMs = performance.now() - started;
  const received: Record<string, string> = {};
  for (const { name, value } of response.headersArray()) {
    const key = name.toLowerCase();
    received[key] = received[key] === undefined ? value : `${received[key]}, ${value}`;
  }
  return {
    request: { method: sending.method, url: sending.url, headers, body: sending.body?.toString('utf8') },
    response: { status: response.status(), headers: received, text },
    sentAt,
    receivedAt: Date.now(),
    durationMs,
  };
}

/** Clause ids tagged in a title, in order: `[TOKEN-JWS] ...` -> [TOKEN-JWS]. */
export function clausesInTitle(title: string): Clause[] {
  return [...title.matchAll(/\[([A-Z0-9-]+)\]/g)]
    .map((m) => clauseById.get(m[1] ?? ''))
    .filter((c): c is Clause => c !== undefined);
}

const featureByKind: Record<Clause['kind'], string> = {
  contract: 'OpenAPI contract',
  security: 'Security',
  hardening: 'Hardening',
};

async function labelByClause(testInfo: TestInfo): Promise<void> {
  const clauses = clausesInTitle(testInfo.title);
  const primary = clauses[0];
  if (primary === undefined) return;
  await allure.epic('POST /api/auth/login contract');
  await allure.feature(featureByKind[primary.kind]);
  await allure.story(`${primary.id}: ${primary.title}`);
  await allure.severity(primary.severity);
  for (const clause of clauses) await allure.label('clause', clause.id);
}

export const test = base.extend<{ api: LoginApi; clauseLabels: void; selftestStop: void }, { suite: SuiteContext }>({
  suite: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring pattern here
    async ({}, use, workerInfo) => use(suiteContext(projectTarget(workerInfo.project.metadata))),
    { scope: 'worker' },
  ],
  api: async ({ suite, request }, use, testInfo) => use(new LoginApi(suite, testInfo, request)),
  clauseLabels: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring pattern here
    async ({}, use, testInfo) => {
      await labelByClause(testInfo);
      const primary = clausesInTitle(testInfo.title)[0];
      if (primary !== undefined && verdictOf(primary.id) === 'off') {
        testInfo.skip(
          true,
          `${clauseTag(primary.id as ClauseId)} is off by the clause policy (${contractPolicy().source})`,
        );
      }
      await use();
      // Advisory findings recorded during the test: labelled, so Allure files the test under "Advisories".
      const advised = testInfo.annotations.filter((a) => a.type === advisoryAnnotation);
      for (const id of new Set(advised.flatMap((a) => clausesInTitle(a.description ?? '').map((c) => c.id)))) {
        await allure.label('advisory', id);
      }
    },
    { auto: true },
  ],
  // The self-test's projects stop once their defect is killed; a no-op in every other run.
  selftestStop: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring pattern here
    async ({}, use, testInfo) => stopAfterKill(testInfo, () => use()),
    { auto: true },
  ],
});
