// The attack classes' named inputs (contract/specs/35-attack-classes.spec.ts, 30-bad-credentials.spec.ts): a small,
// documented list, not random noise. Each entry says which field it goes in, whose account it may touch, and which
// status the contract gives it. Documented in contract/README.md ("Attack classes").

/** Where a payload goes and whose account it may touch. */
export type PayloadTarget =
  /** In `identifier`, with a random wrong password: no real account is named, so no failure counter moves. */
  | 'identifier'
  /** In `identifier`, built from the probe account's identifier: sent through the account guard (failedLogin). */
  | 'identifier-of-probe'
  /** In `password`, for the probe account: a failed login, sent through the account guard. */
  | 'password-of-probe';

export interface InjectionPayload {
  readonly name: string;
  readonly family: 'SQL' | 'NoSQL' | 'LDAP' | 'wildcard';
  readonly target: PayloadTarget;
  /** The value, or (identifier-of-probe) how to build it from the probe identifier. */
  readonly value: unknown;
  /**
   * The documented statuses it may get: an object where a string belongs is a malformed request (400); a string is a
   * valid-shaped login with wrong credentials (401) — in `identifier` a service may also refuse it as malformed (400).
   */
  readonly expected: readonly number[];
}

const identifierStatus = [400, 401];

export const injectionPayloads: readonly InjectionPayload[] = [
  // SQL: a tautology, a comment that drops the password test, both.
  {
    name: "SQL tautology ' OR '1'='1",
    family: 'SQL',
    target: 'identifier',
    value: "' OR '1'='1",
    expected: identifierStatus,
  },
  {
    name: "SQL tautology and comment ' OR '1'='1'--",
    family: 'SQL',
    target: 'identifier',
    value: "' OR '1'='1'-- ",
    expected: identifierStatus,
  },
  { name: "SQL comment admin'--", family: 'SQL', target: 'identifier', value: "admin'--", expected: identifierStatus },
  {
    name: "SQL comment after the probe identifier (<probe>'--)",
    family: 'SQL',
    target: 'identifier-of-probe',
    value: (probe: string) => `${probe}'--`,
    expected: identifierStatus,
  },
  {
    name: "SQL tautology ' OR '1'='1 as the password",
    family: 'SQL',
    target: 'password-of-probe',
    value: "' OR '1'='1",
    expected: [401],
  },
  // NoSQL: an operator object where a string belongs is a type error (400); the same text as a string is a password.
  {
    name: 'NoSQL {"$ne": null} as the password',
    family: 'NoSQL',
    target: 'password-of-probe',
    value: { $ne: null },
    expected: [400],
  },
  {
    name: 'NoSQL {"$gt": ""} as the identifier',
    family: 'NoSQL',
    target: 'identifier',
    value: { $gt: '' },
    expected: [400],
  },
  {
    name: 'NoSQL {"$ne": null} as a string password',
    family: 'NoSQL',
    target: 'password-of-probe',
    value: '{"$ne": null}',
    expected: [401],
  },
  // LDAP: a filter that matches every uid.
  {
    name: 'LDAP filter *)(uid=*))(|(uid=*',
    family: 'LDAP',
    target: 'identifier',
    value: '*)(uid=*))(|(uid=*',
    expected: identifierStatus,
  },
  // Wildcards: LDAP/glob `*`, SQL LIKE `%`, as the identifier, as the password, and after a prefix of the probe identifier.
  {
    name: 'wildcard * as the identifier',
    family: 'wildcard',
    target: 'identifier',
    value: '*',
    expected: identifierStatus,
  },
  {
    name: 'wildcard % as the identifier',
    family: 'wildcard',
    target: 'identifier',
    value: '%',
    expected: identifierStatus,
  },
  {
    name: 'SQL LIKE wildcard after a prefix of the probe identifier',
    family: 'wildcard',
    target: 'identifier-of-probe',
    value: (probe: string) => `${probe.slice(0, Math.max(1, probe.length - 4))}%`,
    expected: identifierStatus,
  },
  { name: 'wildcard * as the password', family: 'wildcard', target: 'password-of-probe', value: '*', expected: [401] },
  { name: 'wildcard % as the password', family: 'wildcard', target: 'password-of-probe', value: '%', expected: [401] },
];

/** The identifier or password value of a payload (identifier-of-probe: built from the probe identifier). */
export function payloadValue(payload: InjectionPayload, probeIdentifier: string): unknown {
  return typeof payload.value === 'function'
    ? (payload.value as (p: string) => string)(probeIdentifier)
    : payload.value;
}

/** A variant of the right password, and why a correct comparison refuses it. */
export interface PasswordVariant {
  readonly name: string;
  readonly password: string;
}

/** PASSWORD-EXACT: truncation and case folding (never acceptable). Variants equal to the password are dropped. */
export function exactVariants(password: string): PasswordVariant[] {
  return [
    { name: 'the password, a NUL and more appended', password: `${password}\u0000trailing-junk` },
    { name: 'the password without its last character (a prefix)', password: password.slice(0, -1) },
    { name: 'the password with its case swapped', password: swapCase(password) },
  ].filter((v) => v.password !== password && v.password !== '');
}

/**
 * PASSWORD-VERBATIM (hardening): surrounding whitespace and another Unicode normalisation. NIST SP 800-63B allows a
 * verifier to trim and recommends normalising, so a 200 here is advisory. The other normalisation exists only when the
 * password has a character whose NFC and NFD forms differ; otherwise it is skipped (see `normalisationSkipReason`).
 */
export function verbatimVariants(password: string): PasswordVariant[] {
  const variants = [
    { name: 'the password with a leading space', password: ` ${password}` },
    { name: 'the password with a trailing space', password: `${password} ` },
  ];
  const other = otherNormalisation(password);
  if (other !== undefined)
    variants.push({ name: `the password in ${other.form} instead of ${other.from}`, password: other.password });
  return variants;
}

export function otherNormalisation(password: string): { form: string; from: string; password: string } | undefined {
  const [nfc, nfd] = [password.normalize('NFC'), password.normalize('NFD')];
  if (nfc === nfd) return undefined;
  return password === nfd ? { form: 'NFC', from: 'NFD', password: nfc } : { form: 'NFD', from: 'NFC', password: nfd };
}

export const normalisationSkipReason =
  'the probe password has no character whose NFC and NFD forms differ (such as é): set PROBE_IDENTIFIER / PROBE_PASSWORD to an account whose password has one to try another normalisation';

export function swapCase(text: string): string {
  return [...text].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}

/** Method-override headers a framework may honour, turning another method into the POST. */
export const methodOverrideHeaders = ['X-HTTP-Method-Override', 'X-HTTP-Method', 'X-Method-Override'] as const;

/** Origins a CORS probe sends: never legitimately allowed (.invalid), `null`, and look-alikes of the allowed ones. */
export function corsProbeOrigins(allowed: readonly string[]): string[] {
  return ['https://cors-probe.invalid', 'null', ...allowed.slice(0, 2).map((origin) => `${origin}.cors-probe.invalid`)];
}
