// The login request of every load scenario (k6 runtime): JSON body, Content-Type, tag name=login, the expected
// status declared through the response callback so http_req_failed counts only unexpected responses. Every response
// is then judged against the pinned contract (login_contract_ok) and every successful login against the account that
// sent it (login_identity_ok); the first few failures of each VU carry a redacted excerpt for the load report.
import { check } from 'k6';
import encoding from 'k6/encoding';
import http from 'k6/http';
import { Rate } from 'k6/metrics';
import { CREDENTIAL, CREDENTIAL_TAG, LOGIN_NAME } from '../../core/login-tags.ts';
import { redactText } from '../../core/redact.ts';
import type { Account } from './accounts.ts';
import { checkCookieSession } from './cookie-session.ts';
import { contractProblems, identityCheck } from './login-contract.ts';
import { checkNames, hasTokens, isRejection, isUndocumentedStatus, jwtMatchesSession } from './login-checks.ts';
import type { SessionMode } from './session-mode.ts';
import { contractOkMetric, identityOkMetric, undocumentedStatusMetric } from './slo.ts';
import { loginUrl } from './url.ts';

/** Every login adds one sample: true when the status is one the contract does not document. */
const undocumentedStatus = new Rate(undocumentedStatusMetric);
const contractOk = new Rate(contractOkMetric);
const identityOk = new Rate(identityOkMetric);

// Built once per VU at init: a valid login is expected to get 200, a deliberate wrong password 401.
const expectSuccess = http.expectedStatuses(200);
const expectRejection = http.expectedStatuses(401);

/** Failure samples that carry `problem` and `body` tags, per VU: a few examples, never a tag per request. */
export const failureExamplesPerVu = 3;
const excerptChars = 300;
let examplesLeft = failureExamplesPerVu;
// Module state is per VU: the identity id each of its accounts got on its first successful login.
const knownIds = new Map<string, string>();

const decodeBase64Url = (text: string): string => encoding.b64decode(text, 'rawurl', 's');

/** `session`: with LOAD_SESSION=cookie a successful login must also have set the session cookie (cookie-session.ts). */
export function login(
  baseUrl: string,
  account: Account,
  wrongPassword: boolean,
  session: SessionMode = { kind: 'token' },
): void {
  const body = JSON.stringify({
    identifier: account.identifier,
    // Any other string is a wrong password; deriving it keeps it per account without storing another secret.
    password: wrongPassword ? `${account.password}-wrong` : account.password,
  });
  const res = http.post(loginUrl(baseUrl), body, {
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    tags: { name: LOGIN_NAME, [CREDENTIAL_TAG]: wrongPassword ? CREDENTIAL.wrong : CREDENTIAL.valid },
    responseCallback: wrongPassword ? expectRejection : expectSuccess,
  });
  undocumentedStatus.add(isUndocumentedStatus(res.status), { status: String(res.status) });
  const problems = contractProblems(res.status, String(res.headers['Content-Type'] ?? ''), res.body);
  if (problems !== undefined) record(contractOk, problems, res.status, res.body, account);
  if (wrongPassword) {
    check(res, { [checkNames.rejected]: (r) => isRejection(r.status, r.body) });
    return;
  }
  if (res.status === 200) {
    const identity = identityCheck(res.body, account.identifier, knownIds.get(account.identifier), decodeBase64Url);
    if (identity.id !== undefined && identity.problems.length === 0 && !knownIds.has(account.identifier)) {
      knownIds.set(account.identifier, identity.id);
    }
    record(identityOk, identity.problems, res.status, res.body, account);
  }
  check(res, {
    [checkNames.status200]: (r) => r.status === 200,
    [checkNames.tokens]: (r) => hasTokens(r.body),
    [checkNames.consistent]: (r) => jwtMatchesSession(r.body),
  });
  if (session.kind === 'cookie' && res.status === 200) checkCookieSession(baseUrl, session);
}

/** One sample; a failing one, while this VU has examples left, tagged with what was wrong and a redacted excerpt. */
function record(metric: Rate, problems: readonly string[], status: number, body: unknown, account: Account): void {
  const ok = problems.length === 0;
  if (ok || examplesLeft <= 0) {
    metric.add(ok, { status: String(status) });
    return;
  }
  examplesLeft--;
  const text = typeof body === 'string' ? body : '';
  const excerpt = redactText(text, [account.password]);
  metric.add(false, {
    status: String(status),
    problem: problems.join('; ').slice(0, 400),
    body: excerpt.length > excerptChars ? `${excerpt.slice(0, excerptChars)}…` : excerpt,
  });
}
