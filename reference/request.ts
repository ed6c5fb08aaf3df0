// Validation of the login request against the contract's AuthLoginRequest (application/json object with string
// identifier and password, no other property). Every failure is a named problem, answered 400 by the app.
export interface Credentials {
  readonly identifier: string;
  readonly password: string;
}

export type RequestProblem =
  | 'too-large'
  | 'content-type'
  | 'encoding'
  | 'malformed-json'
  | 'duplicate-key'
  | 'not-object'
  | 'missing-field'
  | 'wrong-type'
  | 'extra-property';

/**
 * What a validator may let through: a request problem, or (defect catalog only) `query-operator` — a field that is a
 * one-key object naming a MongoDB query operator (`{"$ne": null}`) is passed on, as its JSON text, instead of refused.
 */
export type Leniency = RequestProblem | 'query-operator';

/** MongoDB query operators a NoSQL injection uses in a login body. */
const QUERY_OPERATORS = new Set(['$ne', '$gt', '$gte', '$lt', '$lte', '$regex', '$exists', '$in', '$nin', '$where']);

/** `{"$ne": null}` and the like: a one-key object whose key is a MongoDB query operator. */
export function isQueryOperator(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && QUERY_OPERATORS.has(keys[0]!);
}

export type ParsedLogin =
  | { readonly ok: true; readonly credentials: Credentials }
  | { readonly ok: false; readonly problem: RequestProblem; readonly message: string; readonly cause?: Error };

export interface LoginRequestInput {
  readonly contentType: string | undefined;
  readonly body: Buffer;
  /** The body was cut at the size limit. */
  readonly tooLarge: boolean;
  readonly maxBodyBytes: number;
}

const FIELDS = ['identifier', 'password'] as const;

/**
 * `lenient` names problems to let through: a broken validator (the defect catalog), or a deliberate deployment policy
 * (`--json-duplicates last` adds 'duplicate-key', as most JSON parsers keep the last of repeated keys).
 */
export function parseLoginRequest(input: LoginRequestInput, lenient: ReadonlySet<Leniency> = new Set()): ParsedLogin {
  const fail = (problem: RequestProblem, message: string, cause?: Error): ParsedLogin =>
    cause === undefined ? { ok: false, problem, message } : { ok: false, problem, message, cause };

  if (input.tooLarge) return fail('too-large', `Request body exceeds ${input.maxBodyBytes} bytes.`);
  if (!isJsonMediaType(input.contentType) && !lenient.has('content-type')) {
    return fail('content-type', 'Content-Type must be application/json.');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(input.body);
  } catch {
    return fail('encoding', 'Request body must be UTF-8 encoded JSON.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail('malformed-json', 'Request body is not valid JSON.', error as Error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('not-object', 'Request body must be a JSON object.');
  }
  if (!lenient.has('duplicate-key') && hasDuplicateTopLevelKey(text)) {
    return fail('duplicate-key', 'Request body repeats a property.');
  }
  const record = value as Record<string, unknown>;
  for (const field of FIELDS) {
    if (!Object.hasOwn(record, field)) return fail('missing-field', `${field} is required.`);
  }
  const operator = (value: unknown): boolean => lenient.has('query-operator') && isQueryOperator(value);
  for (const field of FIELDS) {
    if (typeof record[field] !== 'string' && !lenient.has('wrong-type') && !operator(record[field])) {
      return fail('wrong-type', `${field} must be a string.`);
    }
  }
  // Property names are not echoed: a client may have put anything there.
  if (Object.keys(record).some((k) => !(FIELDS as readonly string[]).includes(k)) && !lenient.has('extra-property')) {
    return fail('extra-property', 'Request body has an unexpected property; only identifier and password are allowed.');
  }
  const asText = (value: unknown): string => (operator(value) ? JSON.stringify(value) : String(value));
  return { ok: true, credentials: { identifier: asText(record.identifier), password: asText(record.password) } };
}

/** application/json, optionally with a UTF-8 charset parameter. */
export function isJsonMediaType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => !p.startsWith('charset=') || /^charset="?utf-8"?$/.test(p));
}

/**
 * JSON.parse keeps the last of repeated keys, so `{"password":"a","password":"b"}` would pass unnoticed. This scans
 * the (already valid) JSON text once and reports a repeated key of the top-level object.
 */
export function hasDuplicateTopLevelKey(text: string): boolean {
  const seen = new Set<string>();
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = endOfString(text, i);
      if (depth === 1 && expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (seen.has(key)) return true;
        seen.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      depth += 1;
      expectKey = depth === 1 && c === '{';
    } else if (c === '}' || c === ']') {
      depth -= 1;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return false;
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}
