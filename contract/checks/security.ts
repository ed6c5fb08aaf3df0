// Security clauses: the password never comes back, a 200 is not cacheable, errors reveal nothing internal, and a
// login does not tell whether an account exists (neither by its 401 body nor by its timing).
import { decodeCompactJws } from './token.ts';
import { at, parseJson, result } from './result.ts';
import type { CheckResult } from './result.ts';

export interface ResponseLike {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/**
 * SEC-NO-SECRET-ECHO: the password appears nowhere in the response: not in the raw text, not in any decoded JSON
 * string (escapes), not inside a JWT payload, not in a header.
 */
export function responseHasNoPassword(response: ResponseLike, password: string): CheckResult {
  const problems: string[] = [];
  if (password !== '') {
    if (response.text.includes(password)) problems.push('the response body contains the password');
    for (const [where, text] of decodedStrings(parseJson(response.text), '$')) {
      if (text.includes(password)) problems.push(`${where} contains the password`);
      const jws = text.split('.').length === 3 ? decodeCompactJws(text) : undefined;
      if (jws !== undefined && JSON.stringify(jws).includes(password))
        problems.push(`the JWT in ${where} carries the password`);
    }
    for (const [name, value] of Object.entries(response.headers)) {
      if (value.includes(password)) problems.push(`header ${name} contains the password`);
    }
  }
  return result('SEC-NO-SECRET-ECHO', 'responseHasNoPassword', [...new Set(problems)]);
}

function decodedStrings(value: unknown, path: string): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => decodedStrings(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => [
      [`key ${path}.${k}`, k] as [string, string],
      ...decodedStrings(v, `${path}.${k}`),
    ]);
  }
  return [];
}

/** SEC-NO-STORE: a 200 carrying tokens has `Cache-Control` with `no-store`. */
export function responseIsNotStored(headers: Readonly<Record<string, string>>): CheckResult {
  const value = headers['cache-control'];
  const directives = (value ?? '').split(',').map((d) => d.trim().toLowerCase());
  const problems = directives.includes('no-store')
    ? []
    : [value === undefined ? 'Cache-Control is missing' : `Cache-Control is "${value}" without no-store`];
  return result('SEC-NO-STORE', 'responseIsNotStored', problems);
}

// What leaks look like in an error body: stack frames, file paths, exception class names, driver and network errors.
const internals: readonly [string, RegExp][] = [
  ['a stack frame', /\bat\s+[\w.<>$]+\s*\(?[^()\s]*:\d+:\d+\)?/],
  ['a stack property', /"stack"\s*:/],
  ['a source file path', /(?:\/[\w.-]+)+\.(?:[cm]?[jt]s|py|java|go|rb|php)\b|node_modules|[A-Z]:\\\\/],
  ['an exception class name', /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|Exception|Traceback)\b/],
  ['a network error code', /\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE)\b/],
  ['an internal address', /\b(?:127\.0\.0\.1|localhost|0\.0\.0\.0|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+):\d+/],
  ['a database error', /\b(?:SQLSTATE|ORA-\d{5}|syntax error at or near|duplicate key value)\b/i],
];

/** ERROR-NO-INTERNALS: an error body carries no stack trace, file path, exception name, upstream address or driver error. */
export function errorRevealsNoInternals(response: ResponseLike): CheckResult {
  const problems = internals
    .filter(([, pattern]) => pattern.test(response.text))
    .map(([what]) => `the error body reveals ${what}`);
  const body = parseJson(response.text);
  for (const key of ['stack', 'trace', 'stackTrace', 'cause', 'exception', 'debug']) {
    if (at(body, key) !== undefined) problems.push(`the error body has a "${key}" field`);
  }
  return result('ERROR-NO-INTERNALS', 'errorRevealsNoInternals', [...new Set(problems)]);
}

// Per-request fields that may legitimately differ between two otherwise identical error bodies.
const volatileKeys = /^(?:request_?id|trace_?id|correlation_?id|timestamp|time|date)$/i;

/** SEC-NO-ENUMERATION-BODY: the 401 for an unknown identifier and for a wrong password are the same response. */
export function rejectionsAreIdentical(unknownIdentifier: ResponseLike, wrongPassword: ResponseLike): CheckResult {
  const problems: string[] = [];
  if (unknownIdentifier.status !== wrongPassword.status) {
    problems.push(
      `status differs: unknown identifier ${unknownIdentifier.status}, wrong password ${wrongPassword.status}`,
    );
  }
  const a = normalise(parseJson(unknownIdentifier.text) ?? unknownIdentifier.text);
  const b = normalise(parseJson(wrongPassword.text) ?? wrongPassword.text);
  if (a !== b) problems.push(`bodies differ: unknown identifier ${clip(a)} vs wrong password ${clip(b)}`);
  for (const header of ['content-type', 'cache-control', 'www-authenticate', 'set-cookie']) {
    if (unknownIdentifier.headers[header] !== wrongPassword.headers[header]) problems.push(`header ${header} differs`);
  }
  return result('SEC-NO-ENUMERATION-BODY', 'rejectionsAreIdentical', problems);
}

function normalise(value: unknown): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => !volatileKeys.test(k))
          .sort(([x], [y]) => (x < y ? -1 : 1))
          .map(([k, x]) => [k, strip(x)]),
      );
    }
    return v;
  };
  return JSON.stringify(strip(value));
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
