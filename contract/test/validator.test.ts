// Table-driven proof that our validator catches, on the pinned spec, every case openapi-response-validator gets
// wrong. Each row runs BOTH validators; the printed table is the evidence quoted in the README.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import OpenAPIResponseValidatorModule from 'openapi-response-validator';
import { loadSpec } from '../validator/spec.ts';
import type { LoadedSpec } from '../validator/spec.ts';
import { ResponseValidator } from '../validator/validator.ts';
import type { HttpResponseLike } from '../validator/validator.ts';

const spec = loadSpec();
const op = 'post_api_auth_login';
const ours = new ResponseValidator(spec, ['Table-Passw0rd!']);

interface TheirVerdict {
  ok: boolean;
  why: string;
}
type TheirCtor = new (args: { responses: unknown; components: unknown }) => {
  validateResponse(status: number, body: unknown): { errors: { path?: string; message: string }[] } | undefined;
};
const TheirValidator = ((OpenAPIResponseValidatorModule as unknown as { default?: TheirCtor }).default ??
  OpenAPIResponseValidatorModule) as unknown as TheirCtor;

function theirs(doc: LoadedSpec['doc'], status: number, body: unknown): TheirVerdict {
  const post = doc.paths['/api/auth/login']?.post as { responses: unknown };
  const validator = new TheirValidator({ responses: post.responses, components: doc.components });
  const result = validator.validateResponse(status, body);
  if (result === undefined) return { ok: true, why: 'accepted' };
  return { ok: false, why: result.errors.map((e) => `${e.path ?? ''} ${e.message}`.trim()).join('; ') };
}

const when = '2026-11-27T18:00:00Z';
const later = '2026-11-27T19:00:00Z';
const session = { id: 'ses-1', active: true, authenticated_at: when, expires_at: later, tokenized: 'a.b.c' };
const ok200 = { sessionToken: 'tok', jwt: 'a.b.c', session, tokenizedSession: session, identity: { id: 'id-1' } };
const error401 = { error: 'unauthorized', message: 'Invalid credentials', status: 401 };
const json = { 'content-type': 'application/json; charset=utf-8' };

interface Row {
  readonly name: string;
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  readonly expectValid: boolean;
  /** For invalid rows: what a correct verdict must name (JSON path fragment or rule). */
  readonly names?: string;
}

const rows: readonly Row[] = [
  { name: 'valid 200', status: 200, body: ok200, expectValid: true },
  {
    name: 'bad date-time in session.expires_at',
    status: 200,
    body: { ...ok200, session: { ...session, expires_at: '27/11/2026 19:00' } },
    expectValid: false,
    names: 'expires_at',
  },
  {
    name: 'int32 overflow in AuthError.status',
    status: 400,
    body: { error: 'bad_request', message: 'x', status: 2 ** 31 },
    expectValid: false,
    names: 'status',
  },
  { name: "valid $ref'd 401 accepted", status: 401, body: error401, expectValid: true },
  {
    name: 'wrong Content-Type (text/plain) on a valid 200',
    status: 200,
    body: ok200,
    headers: { 'content-type': 'text/plain' },
    expectValid: false,
    names: 'content-type',
  },
  {
    name: 'missing required field (401 without message)',
    status: 401,
    body: { error: 'unauthorized', status: 401 },
    expectValid: false,
    names: 'message',
  },
  {
    name: 'missing required field (200 without sessionToken)',
    status: 200,
    body: { jwt: ok200.jwt, session, tokenizedSession: session },
    expectValid: false,
    names: 'sessionToken',
  },
  { name: 'undocumented status 500', status: 500, body: error401, expectValid: false, names: 'status' },
];

function asResponse(row: Row): HttpResponseLike {
  return { status: row.status, headers: row.headers ?? json, text: JSON.stringify(row.body) };
}

/** A verdict is right when valid/invalid matches and, for invalid rows, the messages name the offending part. */
function right(expectValid: boolean, ok: boolean, why: string, names: string | undefined): boolean {
  if (expectValid) return ok;
  return !ok && names !== undefined && why.toLowerCase().includes(names.toLowerCase());
}

const table: Record<string, string>[] = [];
after(() => {
  console.log('\nvalidator comparison on the pinned spec (ours = Ajv 8 + ajv-formats):');
  console.table(table);
});

describe('ResponseValidator vs openapi-response-validator on the pinned spec', () => {
  for (const row of rows) {
    test(row.name, () => {
      const our = ours.validate(op, asResponse(row));
      const ourWhy = our.violations.map((v) => `${v.path} ${v.keyword} ${v.message}`).join('; ') || 'accepted';
      // openapi-response-validator has no notion of headers: it sees the body only.
      const their = theirs(spec.doc, row.status, structuredClone(row.body));
      const ourRight = right(row.expectValid, our.ok, ourWhy, row.names);
      const theirRight = right(row.expectValid, their.ok, their.why, row.names);
      table.push({
        case: row.name,
        expected: row.expectValid ? 'valid' : 'invalid',
        ours: `${our.ok ? 'valid' : 'invalid'}${ourRight ? '' : ' (WRONG)'}`,
        theirs: `${their.ok ? 'valid' : 'invalid'}${theirRight ? '' : ' (WRONG)'}`,
        'their reason': their.why.slice(0, 60),
      });
      assert.ok(ourRight, `our validator got "${row.name}" wrong: ${ourWhy}`);
    });
  }

  test('openapi-response-validator is wrong on every case the design names (so this table is worth keeping)', () => {
    const named = [
      'bad date-time in session.expires_at',
      'int32 overflow in AuthError.status',
      "valid $ref'd 401 accepted",
      'wrong Content-Type (text/plain) on a valid 200',
      'missing required field (401 without message)',
    ];
    for (const name of named) {
      const row = rows.find((r) => r.name === name);
      assert.ok(row);
      const their = theirs(spec.doc, row.status, structuredClone(row.body));
      const headersIgnored = row.headers !== undefined; // it cannot see Content-Type at all
      assert.ok(headersIgnored || !right(row.expectValid, their.ok, their.why, row.names), `${name}: theirs is right`);
    }
  });
});

describe('ResponseValidator details', () => {
  test('a message names the JSON path, keyword, offending value and schema path', () => {
    const body = { ...ok200, session: { ...session, expires_at: 'tomorrow' } };
    const result = ours.validate(op, { status: 200, headers: json, text: JSON.stringify(body) });
    const v = result.violations[0];
    assert.ok(v);
    assert.equal(v.path, '$.session.expires_at');
    assert.equal(v.keyword, 'format');
    assert.equal(v.value, '"tomorrow"');
    assert.equal(v.schemaPath, '#/components/schemas/AuthSession/properties/expires_at/format');
    for (const part of [v.path, 'date-time', v.value, v.schemaPath]) assert.ok(v.message.includes(part), v.message);
  });

  test('secret values are redacted in messages (secret fields and the configured password)', () => {
    const body = { ...ok200, sessionToken: ['leaked-session-token'], jwt: { raw: 'eyJhbGciOi.eyJzdWIi.c2ln' } };
    const result = ours.validate(op, { status: 200, headers: json, text: JSON.stringify(body) });
    const text = JSON.stringify(result.violations);
    assert.equal(result.ok, false);
    assert.ok(!text.includes('leaked-session-token') && !text.includes('eyJhbGciOi'), text);
    const withPassword = ours.validate(op, {
      status: 401,
      headers: json,
      text: JSON.stringify({ error: 'x', message: 'x', status: 'Table-Passw0rd!' }),
    });
    assert.equal(withPassword.ok, false);
    assert.ok(!JSON.stringify(withPassword.violations).includes('Table-Passw0rd!'));
  });

  test('status lookup: exact, then range (4XX), then default; otherwise undocumented', () => {
    const doc = structuredClone(spec.doc);
    const responses = (doc.paths['/api/auth/login']?.post as { responses: Record<string, unknown> }).responses;
    responses['4XX'] = { description: 'any client error', content: { 'text/plain': { schema: { type: 'string' } } } };
    const variant = new ResponseValidator({ ...spec, doc });
    assert.equal(
      variant.validate(op, { status: 401, headers: json, text: JSON.stringify(error401) }).responseKey,
      '401',
    );
    const range = variant.validate(op, { status: 404, headers: { 'content-type': 'text/plain' }, text: 'nope' });
    assert.equal(range.responseKey, '4XX');
    assert.equal(range.ok, true);
    assert.equal(variant.validate(op, { status: 503, headers: {}, text: '' }).ok, false);
    responses.default = { description: 'anything else' };
    const fallback = variant.validate(op, { status: 503, headers: {}, text: '' });
    assert.equal(fallback.responseKey, 'default');
    assert.equal(fallback.ok, true);
    assert.equal(variant.validate(op, { status: 503, headers: {}, text: 'surprise' }).ok, false);
  });

  test('documented required headers are checked, with their schema', () => {
    const doc = structuredClone(spec.doc);
    const responses = (doc.paths['/api/auth/login']?.post as { responses: Record<string, Record<string, unknown>> })
      .responses;
    const ok = responses['200'];
    assert.ok(ok);
    ok.headers = { 'X-Request-Id': { required: true, schema: { type: 'string', minLength: 8 } } };
    const variant = new ResponseValidator({ ...spec, doc });
    const text = JSON.stringify(ok200);
    assert.equal(variant.validate(op, { status: 200, headers: json, text }).violations[0]?.kind, 'header');
    const short = variant.validate(op, { status: 200, headers: { ...json, 'x-request-id': 'abc' }, text });
    assert.match(short.violations[0]?.message ?? '', /X-Request-Id.*minLength/);
    assert.equal(
      variant.validate(op, { status: 200, headers: { ...json, 'X-Request-Id': 'abcdefgh' }, text }).ok,
      true,
    );
  });

  test('Content-Type: missing, non-JSON body under application/json, and charset parameters', () => {
    const text = JSON.stringify(error401);
    assert.equal(ours.validate(op, { status: 401, headers: {}, text }).violations[0]?.kind, 'content-type');
    const broken = ours.validate(op, { status: 401, headers: json, text: '<html>oops</html>' });
    assert.equal(broken.violations[0]?.keyword, 'json');
    assert.equal(
      ours.validate(op, { status: 401, headers: { 'Content-Type': 'Application/JSON;charset=UTF-8' }, text }).ok,
      true,
    );
  });

  test('never mutates the body: deep-frozen input validates, and a clone stays equal', () => {
    const doc = structuredClone(spec.doc);
    const schemas = doc.components?.schemas as Record<string, { properties: Record<string, Record<string, unknown>> }>;
    const activeSchema = schemas.AuthSession?.properties.active;
    assert.ok(activeSchema);
    activeSchema.default = false; // a schema default tempts validators configured with useDefaults
    const body = { ...ok200, session: { id: 'ses-1', authenticated_at: when, expires_at: later } };
    const before = structuredClone(body);
    const variant = new ResponseValidator({ ...spec, doc });
    assert.doesNotThrow(() => variant.validateBody(op, 200, deepFreeze(structuredClone(body))));
    const copy = structuredClone(body);
    variant.validateBody(op, 200, copy);
    assert.deepEqual(copy, before);
    // The contrast: openapi-response-validator writes the default into the caller's object.
    const theirCopy = structuredClone(body);
    theirs(doc, 200, theirCopy);
    assert.notDeepEqual(theirCopy, before, 'openapi-response-validator was expected to mutate the body (useDefaults)');
  });

  test('undocumented operation and the coverage universe', () => {
    assert.throws(() => ours.validate('nope', { status: 200, headers: {}, text: '' }), /operation "nope"/);
    assert.deepEqual(
      ours.documentedResponses().map((r) => `${r.status} ${r.mediaType}`),
      ['200 application/json', '400 application/json', '401 application/json', '502 application/json'],
    );
  });

  test('the request schema is read from the spec with refs resolved', () => {
    const schema = ours.requestSchema(op);
    assert.deepEqual(schema.required, ['identifier', 'password']);
    assert.equal(schema.additionalProperties, false);
    assert.equal(ours.validateRequestBody(op, { identifier: 'a@b.c', password: 'p' }).length, 0);
    assert.equal(ours.validateRequestBody(op, { identifier: 'a@b.c' }).length, 1);
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
