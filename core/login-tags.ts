// The tags the load scripts put on every login request, read back by the load report. One owner for both sides: the
// k6 script (load/lib/login.ts, so this file imports nothing k6 lacks) and the report (reports/load-report/).

/** The request name of a login: thresholds and reports select logins by `name:login`. */
export const LOGIN_NAME = 'login';

/** Whether the login was sent with its account's password or a wrong one on purpose (the report splits by it: a
 *  login must cost the same either way, or its timing tells an attacker which passwords are right). */
export const CREDENTIAL_TAG = 'credential';
export const CREDENTIAL = { valid: 'valid', wrong: 'wrong' } as const;

/** A metric's login-only submetric, as thresholds and summaries name it: `http_req_duration{name:login}`. */
export const ofLogins = (metric: string): string => `${metric}{name:${LOGIN_NAME}}`;
