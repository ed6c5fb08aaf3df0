// The reference login service as a plain function from request to response: no port, no sockets, so unit tests call
// `handle` directly. http.ts adapts it to node:http. It implements exactly POST /api/auth/login of the contract.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { credentialsFromChannels, overriddenMethod } from './channels.ts';
import type { Defect } from './defects.ts';
import type { IdentityBackend } from './identity/service.ts';
import { createLockout } from './lockout.ts';
import type { LockoutPolicy } from './lockout.ts';
import { createRateLimiter } from './rate-limit.ts';
import type { AppResponse, LoginBody, LoginContext, Reply, ReplyContext, SessionBody, SessionDraft } from './reply.ts';
import { authError, BASE_HEADERS, serialize } from './reply.ts';
import { parseLoginRequest } from './request.ts';
import { createCookieSessions, SESSION_PATH } from './session-cookie.ts';
import type { Credentials, Leniency } from './request.ts';
import type { SessionClaims, TokenSigner } from './tokens.ts';
import { createTokenSigner, unsecuredJwt } from './tokens.ts';

export const LOGIN_PATH = '/api/auth/login';
/** Where the public signing key is published (GET), as identity providers publish theirs. */
export const JWKS_PATH = '/.well-known/jwks.json';
export const MAX_BODY_BYTES = 16 * 1024;

export interface AppRequest {
  readonly method: string;
  /** Path and query, as on the request line. */
  readonly url: string;
  readonly contentType: string | undefined;
  readonly userAgent: string | undefined;
  readonly body: Buffer;
  /** The body went past MAX_BODY_BYTES and was cut. */
  readonly tooLarge: boolean;
  readonly remoteAddress: string;
  /** Request headers, lower-case names (repeated ones joined with ", "); absent in tests that need none. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface AppOptions {
  readonly identity: IdentityBackend;
  readonly signer: TokenSigner;
  readonly defect?: Defect | undefined;
  /** 'last': a body repeating a key is accepted with the last value, as Node's JSON.parse, Go and Jackson do. */
  readonly jsonDuplicates?: 'reject' | 'last';
  readonly addedLatencyMs?: number;
  /** Each answer is delayed by a further uniformly random 0..N ms (drawn from `random`): a jittery network. */
  readonly jitterMs?: number;
  /** Share (0..1) of logins answered 502 as if the identity backend had failed. */
  readonly failRate?: number;
  /** Lock an existing account for `seconds` after `after` consecutive wrong passwords (off when absent). */
  readonly lockout?: LockoutPolicy | undefined;
  /** Requests per second per client address (all paths and methods), answered 429 beyond it; 0 or absent = off. */
  readonly rateLimit?: number;
  /** A login also sets the session as this cookie (Secure over HTTPS), and GET /api/auth/session checks it. */
  readonly sessionCookie?: { readonly name: string; readonly secure: boolean } | undefined;
  readonly random?: () => number;
  /** Clock (epoch ms) of the lockout and the rate limit; tests inject one to step through time. */
  readonly now?: () => number;
  readonly log?: Logger | undefined;
  /** Test hook: how an answer is delayed (by default a real timer), so tests can see each delay without waiting. */
  readonly sleep?: (ms: number) => Promise<unknown>;
  /** Test hook: told every token issued (sessionToken, jwt), so a secret scan knows what must never be stored. */
  readonly onTokensIssued?: ((tokens: readonly string[]) => void) | undefined;
}

export interface App {
  handle(request: AppRequest): Promise<AppResponse>;
}

const MESSAGES = {
  notFound: 'No such endpoint.',
  method: 'Only POST is allowed on this path.',
  credentials: 'The identifier or password is incorrect.',
  tooMany: 'Too many requests from this client; retry after the number of seconds in Retry-After.',
  upstream: 'The identity service is unavailable; try again later.',
};

export function createApp(options: AppOptions): App {
  const { identity, signer, defect } = options;
  const random = options.random ?? Math.random;
  const failRate = options.failRate ?? 0;
  const addedLatencyMs = options.addedLatencyMs ?? 0;
  const jitterMs = options.jitterMs ?? 0;
  const delay = options.sleep ?? sleep;
  // The policy and the defect `duplicate-keys-last-value` share one mechanism: the validator's lenient set.
  const lenient = new Set<Leniency>(defect?.lenient ?? []);
  if (options.jsonDuplicates === 'last') lenient.add('duplicate-key');
  const memo = new Map<string, unknown>();
  const warnUpstream = rateLimited(options.log);
  const lockout = options.lockout ? createLockout(options.lockout, options.now) : undefined;
  const limiter = options.rateLimit ? createRateLimiter(options.rateLimit, options.now) : undefined;
  // Only the defect `jwt-signed-by-unpublished-key` signs with a key of its own, which the JWKS does not publish.
  const unpublished = defect?.jwt === 'unpublished-key' ? createTokenSigner() : undefined;
  const cookieSessions = options.sessionCookie
    ? createCookieSessions(options.sessionCookie.name, options.now)
    : undefined;

  async function finish(reply: Reply, context: ReplyContext): Promise<AppResponse> {
    return deliver(defect?.reply ? defect.reply(reply, context) : reply);
  }

  async function deliver(reply: Reply): Promise<AppResponse> {
    // Whole milliseconds 0..N, each equally likely (random() is below 1).
    const ms = addedLatencyMs + (jitterMs > 0 ? Math.floor(random() * (jitterMs + 1)) : 0);
    if (ms > 0) await delay(ms);
    return serialize(reply);
  }

  async function handle(request: AppRequest): Promise<AppResponse> {
    // Before anything else, as a gateway would: every request counts, whatever its path, method or body. The 429 is
    // a deployment policy, not a login answer, so no defect of the catalog touches it.
    const retryAfter = limiter?.take(request.remoteAddress) ?? 0;
    if (retryAfter > 0) {
      return deliver(authError(429, 'too_many_requests', MESSAGES.tooMany, { 'retry-after': String(retryAfter) }));
    }
    const path = request.url.split('?')[0];
    const headers = request.headers ?? {};
    const base = { method: request.method, headers, rawBody: request.body.toString('utf8'), memo };
    if (path === JWKS_PATH && request.method === 'GET') {
      return deliver({
        status: 200,
        headers: { ...BASE_HEADERS, 'cache-control': 'public, max-age=300' },
        body: { keys: [signer.publicJwk] },
      });
    }
    if (cookieSessions && path === SESSION_PATH && request.method === 'GET') {
      return deliver(cookieSessions.answer(headers['cookie']));
    }
    if (path !== LOGIN_PATH)
      return finish(authError(404, 'not_found', MESSAGES.notFound), { ...base, kind: 'not-found' });
    // The healthy service takes credentials from the JSON body of a POST alone; defects honour other channels.
    const channels = defect?.channels ?? [];
    const channelRequest = { ...request, headers };
    const method = channels.includes('method-override') ? overriddenMethod(channelRequest) : request.method;
    const undocumented = channels.length > 0 ? credentialsFromChannels(channelRequest, channels) : undefined;
    if (method !== 'POST' && undocumented === undefined) {
      return finish(authError(405, 'method_not_allowed', MESSAGES.method, { allow: 'POST' }), {
        ...base,
        kind: 'method-not-allowed',
      });
    }

    let credentials: Credentials;
    if (undocumented !== undefined) credentials = undocumented.credentials;
    else {
      const parsed = parseLoginRequest(
        {
          contentType: request.contentType,
          body: request.body,
          tooLarge: request.tooLarge,
          maxBodyBytes: MAX_BODY_BYTES,
        },
        lenient,
      );
      if (!parsed.ok) {
        const { problem, cause } = parsed;
        return finish(authError(400, 'bad_request', parsed.message), {
          ...base,
          kind: 'bad-request',
          problem,
          ...(cause ? { cause } : {}),
        });
      }
      credentials = parsed.credentials;
    }
    // What a defect does to the credentials before the identity call (trimming, truncation, normalisation, cost).
    if (defect?.credentials) credentials = await defect.credentials(credentials, { sleep: delay });

    let result;
    try {
      if (failRate > 0 && random() < failRate) throw new Error('injected failure (--fail-rate)');
      result = await identity.authenticate({
        ...credentials,
        device: { ip_address: request.remoteAddress, user_agent: request.userAgent ?? '' },
      });
    } catch (error) {
      warnUpstream(error instanceof Error ? error.message : String(error));
      return finish(authError(502, 'upstream_unavailable', MESSAGES.upstream), {
        ...base,
        kind: 'upstream-failure',
        credentials,
      });
    }
    // A locked account answers exactly like a wrong password, even when the password is right, and only after the
    // same identity call (the same hashing work), so neither the answer nor its timing reveals the lock. A session
    // the identity service issued meanwhile is dropped unseen.
    const { identifier } = credentials;
    const locked = lockout?.isLocked(identifier) === true;
    if (lockout && !locked) {
      if (result.ok) lockout.succeeded(identifier);
      else if (result.reason === 'wrong-password' && lockout.failed(identifier)) {
        const { after, seconds } = lockout.policy;
        options.log?.info({ identifier, failures: after, lockedSeconds: seconds }, 'account locked');
      }
    }
    if (!result.ok || locked) {
      return finish(authError(401, 'invalid_credentials', MESSAGES.credentials), {
        ...base,
        kind: 'bad-credentials',
        credentials,
        reason: result.ok ? 'wrong-password' : result.reason,
      });
    }

    const identityBody = { id: result.identity.id, traits: { email: result.identity.email } };
    let draft: SessionDraft = {
      id: result.session.id,
      active: true,
      authenticatedAt: result.session.authenticated_at,
      expiresAt: result.session.expires_at,
      devices: result.session.devices,
      identity: identityBody,
    };
    if (defect?.session) draft = defect.session(draft);
    let claims: SessionClaims = {
      sub: draft.identity.id,
      sid: draft.id,
      iat: Math.floor(Date.parse(draft.authenticatedAt) / 1000),
      exp: Math.floor(Date.parse(draft.expiresAt) / 1000),
    };
    if (defect?.claims) claims = defect.claims(claims);
    const jwt =
      defect?.jwt === 'none'
        ? unsecuredJwt(claims)
        : defect?.jwt === 'opaque'
          ? `opaque-${result.session.token.slice(4, 28)}`
          : await (unpublished === undefined ? signer : await unpublished).sign(claims);

    const session: SessionBody = {
      id: draft.id,
      active: draft.active,
      authenticated_at: draft.authenticatedAt,
      expires_at: draft.expiresAt,
      devices: draft.devices,
      identity: draft.identity,
      tokenized: jwt,
    };
    const body: LoginBody = {
      sessionToken: result.session.token,
      jwt,
      session,
      identity: draft.identity,
      tokenizedSession: session,
    };
    const context: LoginContext = { ...base, kind: 'login', credentials, claims, sign: (c) => signer.sign(c) };
    options.onTokensIssued?.([result.session.token, jwt]);
    const finalBody = defect?.login ? await defect.login(body, context) : body;
    const cookie = cookieSessions?.issue(
      result.session.token,
      draft.identity,
      draft.expiresAt,
      options.sessionCookie!.secure,
    );
    const replyHeaders = cookie === undefined ? BASE_HEADERS : { ...BASE_HEADERS, 'set-cookie': cookie };
    return finish({ status: 200, headers: replyHeaders, body: finalBody }, context);
  }

  return { handle };
}

/** At most one upstream-failure warning per second (with the count), so a dead upstream under load cannot flood logs. */
function rateLimited(log: Logger | undefined): (message: string) => void {
  let last = 0;
  let suppressed = 0;
  return (message) => {
    const now = Date.now();
    if (now - last < 1000) {
      suppressed += 1;
      return;
    }
    log?.warn({ err: message, suppressedSinceLast: suppressed }, 'identity backend failed; answering 502');
    last = now;
    suppressed = 0;
  };
}
