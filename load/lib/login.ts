// The login request of every load scenario (k6 runtime): JSON body, Content-Type, tag name=login, the expected
// status declared through the response callback so http_req_failed counts only unexpected responses.
import { check } from 'k6';
import http from 'k6/http';
import { Rate } from 'k6/metrics';
import type { Account } from './accounts.ts';
import { checkNames, hasTokens, isRejection, isUndocumentedStatus, jwtMatchesSession } from './login-checks.ts';
import { undocumentedStatusMetric } from './slo.ts';
import { loginUrl } from './url.ts';

/** Every login adds one sample: true when the status is one the contract does not document. */
const undocumentedStatus = new Rate(undocumentedStatusMetric);

// Built once per VU at init: a valid login is expected to get 200, a deliberate wrong password 401.
const expectSuccess = http.expectedStatuses(200);
const expectRejection = http.expectedStatuses(401);

export function login(baseUrl: string, account: Account, wrongPassword: boolean): void {
  const body = JSON.stringify({
    identifier: account.identifier,
    // Any other string is a wrong password; deriving it keeps it per account without storing another secret.
    password: wrongPassword ? `${account.password}-wrong` : account.password,
  });
  const res = http.post(loginUrl(baseUrl), body, {
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    tags: { name: 'login', credential: wrongPassword ? 'wrong' : 'valid' },
    responseCallback: wrongPassword ? expectRejection : expectSuccess,
  });
  undocumentedStatus.add(isUndocumentedStatus(res.status), { status: String(res.status) });
  if (wrongPassword) {
    check(res, { [checkNames.rejected]: (r) => isRejection(r.status, r.body) });
    return;
  }
  check(res, {
    [checkNames.status200]: (r) => r.status === 200,
    [checkNames.tokens]: (r) => hasTokens(r.body),
    [checkNames.consistent]: (r) => jwtMatchesSession(r.body),
  });
}
