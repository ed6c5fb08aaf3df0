// Joins a base URL and a path: the one owner of that rule. A base URL may carry a path prefix (an API gateway:
// https://gw.example.com/auth-service) and it is kept: + /api/auth/login = https://gw.example.com/auth-service/api/auth/login.
// Trailing slashes on the base and leading slashes on the path never double or drop a separator. Pure (k6 has no URL
// class): the k6 scripts, the load CLI's readiness probe and the contract client (contract/support/http.ts) call it.
import { loginPath } from './login-checks.ts';

export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** The login endpoint under a base URL. */
export function loginUrl(baseUrl: string): string {
  return joinUrl(baseUrl, loginPath);
}
