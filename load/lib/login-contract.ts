// The contract under load: every login response judged against the pinned spec, and every successful login against
// the account that sent it. Pure (no k6 module), so Node tests prove each judgement fails on a broken response; the
// schema part runs the validator generated from the pinned spec (login-response-validator.js), the same Ajv
// compilation the contract suite validates with.
import { jsonObject } from './login-checks.ts';
import { isRecord } from './profiles.ts';
import { responseSchemas } from './login-response-validator.js';
import type { SchemaError } from './login-response-validator.js';
import { jsonPath, pointerSegments } from '../../core/json-path.ts';

/** At most this many problems are listed per response: enough to fix it, short enough for a tag or a table cell. */
const maxProblems = 3;

const documented = responseSchemas.map((r) => r.status).join(', ');

/**
 * What is wrong with a response by the pinned contract: an undocumented status, a Content-Type the status does not
 * document, a body that is not JSON or breaks the status's schema. Empty when it conforms. Status 0 (no response)
 * is not judged here (http_req_failed counts it): returns undefined.
 */
export function contractProblems(status: number, contentType: string, body: unknown): string[] | undefined {
  if (status === 0) return undefined;
  const entries = responseSchemas.filter((r) => r.status === String(status));
  if (entries.length === 0) return [`status ${status} is not documented (${documented})`];
  const essence = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const entry = entries.find((r) => r.mediaType === essence);
  if (entry === undefined) {
    return [
      `Content-Type "${contentType}" is not documented for ${status} (${entries.map((r) => r.mediaType).join(', ')})`,
    ];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : '');
  } catch {
    return [`the ${status} body is not JSON`];
  }
  if (entry.validate(parsed)) return [];
  return (entry.validate.errors ?? []).slice(0, maxProblems).map(describeSchemaError);
}

/** `$.session.expires_at: must match format "date-time"`, paths as the contract suite prints them. */
function describeSchemaError(error: SchemaError): string {
  const segments = pointerSegments(error.instancePath);
  const missing = error.params.missingProperty;
  if (error.keyword === 'required' && typeof missing === 'string') segments.push(missing);
  const path = jsonPath(segments);
  return error.keyword === 'required'
    ? `${path}: is required but missing`
    : `${path}: ${error.message ?? error.keyword}`;
}

/**
 * What shows that a 200 to a valid login is not the account's own: `jwt` differs from `session.tokenized`, the
 * nested identities (identity, session.identity, tokenizedSession.identity) disagree, `identity.traits.email` (when
 * the service returns one) is another address, the JWT subject (when it names one) is another identity, or the
 * identity id differs from the one this account got before (`knownId`; real deployments need not return an email,
 * so a VU pins the id of its account's first login). A body with no identity at all (the spec allows it) is judged on
 * its token: the JWT subject, when there is one, is what gets pinned. `decodeBase64Url` is k6/encoding's on k6,
 * Buffer's in tests.
 */
export function identityCheck(
  body: unknown,
  identifier: string,
  knownId: string | undefined,
  decodeBase64Url: (text: string) => string,
): { readonly id: string | undefined; readonly problems: string[] } {
  const json = jsonObject(body);
  if (json === undefined) return { id: undefined, problems: ['the 200 body is not a JSON object'] };
  const problems: string[] = [];
  const session = json.session;
  if (typeof json.jwt !== 'string' || !isRecord(session) || session.tokenized !== json.jwt) {
    problems.push('jwt is not session.tokenized');
  }
  const identities = [
    ['identity', json.identity],
    ['session.identity', isRecord(session) ? session.identity : undefined],
    ['tokenizedSession.identity', isRecord(json.tokenizedSession) ? json.tokenizedSession.identity : undefined],
  ].filter((entry): entry is [string, { [key: string]: unknown }] => isRecord(entry[1]));
  const first = identities[0];
  const sub = jwtSubject(typeof json.jwt === 'string' ? json.jwt : '', decodeBase64Url);
  // The spec requires neither identity nor its id: what is absent is not judged (never a false alarm on a healthy
  // service), and the account is then pinned by whatever names it, the identity id or else the JWT subject.
  const rawId = first?.[1].id;
  const id = typeof rawId === 'string' && rawId !== '' ? rawId : undefined;
  for (const [name, identity] of identities) {
    if (id !== undefined && identity.id !== id) problems.push(`${name}.id differs from ${first?.[0] ?? ''}.id`);
    const email = isRecord(identity.traits) ? identity.traits.email : undefined;
    if (typeof email === 'string' && email.trim().toLowerCase() !== identifier.trim().toLowerCase()) {
      problems.push(`${name}.traits.email is another account's`);
    }
  }
  if (id !== undefined && sub !== undefined && sub !== id) {
    problems.push('the JWT sub is another identity than identity.id');
  }
  const pinned = id ?? sub;
  if (knownId !== undefined && pinned !== undefined && pinned !== knownId) {
    problems.push(`the ${id !== undefined ? 'identity id' : 'JWT sub'} is not the one this account had before`);
  }
  return { id: pinned, problems };
}

function jwtSubject(jwt: string, decodeBase64Url: (text: string) => string): string | undefined {
  const payload = jwt.split('.')[1];
  if (payload === undefined || payload === '') return undefined;
  try {
    const claims: unknown = JSON.parse(decodeBase64Url(payload));
    return isRecord(claims) && typeof claims.sub === 'string' ? claims.sub : undefined;
  } catch {
    return undefined; // an opaque or broken token is the contract suite's concern (TOKEN-JWS), not identity's
  }
}
