// 400: every malformed request is refused with a documented AuthError — status 400 in the HTTP line and the body,
// a message, and nothing internal or secret. Each row is one test so a report names the exact request shape.
import { clauseTag } from '../clauses.ts';
import { errorIsExplained, errorStatusMatches, statusIs } from '../checks/errors.ts';
import { errorRevealsNoInternals, responseHasNoPassword } from '../checks/security.ts';
import { expect, test } from '../support/test.ts';

/** Stands in for a password inside malformed requests: an echo of it is as bad as an echo of the real one. */
const marker = 'Matrix-Marker-Passw0rd!';
const identifier = 'matrix.user@contract.test';

interface Row {
  readonly name: string;
  /** Raw text sent as is, or a value JSON-encoded. */
  readonly body?: unknown;
  readonly raw?: string | Buffer;
  readonly contentType?: string | null;
}

interface Group {
  readonly name: string;
  readonly smoke?: boolean;
  readonly rows: readonly Row[];
}

const wrongValues: readonly [string, unknown][] = [
  ['number', 12345],
  ['boolean', true],
  ['null', null],
  ['object', { value: 'x' }],
  ['array', ['x']],
];

// Rows are grouped (one test per group, one step per row) so a broken validator fails a handful of tests, each
// naming every request shape it mishandled, rather than two dozen.
const groups: readonly Group[] = [
  {
    name: 'a body that is not a JSON object',
    smoke: true,
    rows: [
      { name: 'malformed JSON (trailing comma)', raw: `{"identifier": "${identifier}", "password": "${marker}",}` },
      { name: 'truncated JSON', raw: `{"identifier": "${identifier}", "password": "${marker}"` },
      { name: 'empty body', raw: '' },
      { name: 'JSON array', body: [identifier, marker] },
      { name: 'JSON string', raw: JSON.stringify(identifier) },
      { name: 'JSON number', body: 42 },
      { name: 'JSON null', raw: 'null' },
      { name: 'body not UTF-8', raw: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
    ],
  },
  {
    name: 'a required field missing',
    rows: [
      { name: 'identifier missing', body: { password: marker } },
      { name: 'password missing', body: { identifier } },
      { name: 'both fields missing', body: {} },
    ],
  },
  {
    name: 'a field of the wrong type',
    rows: [
      ...wrongValues.map(([type, value]) => ({
        name: `identifier as ${type}`,
        body: { identifier: value, password: marker },
      })),
      ...wrongValues.map(([type, value]) => ({ name: `password as ${type}`, body: { identifier, password: value } })),
    ],
  },
  {
    name: 'an extra property',
    rows: [{ name: 'an extra property', body: { identifier, password: marker, remember: true } }],
  },
  {
    name: 'a Content-Type other than application/json',
    rows: [
      {
        name: 'Content-Type text/plain',
        raw: JSON.stringify({ identifier, password: marker }),
        contentType: 'text/plain',
      },
      {
        name: 'form-encoded body',
        raw: new URLSearchParams({ identifier, password: marker }).toString(),
        contentType: 'application/x-www-form-urlencoded',
      },
      { name: 'no Content-Type', raw: JSON.stringify({ identifier, password: marker }), contentType: null },
    ],
  },
  {
    name: 'an oversized body',
    rows: [{ name: 'oversized body (1 MiB)', body: { identifier, password: marker.padEnd(1024 * 1024, 'x') } }],
  },
];

test.describe('400 — malformed requests', () => {
  for (const group of groups) {
    const shapes = group.rows.map((r) => r.name).join(', ');
    test(
      `${clauseTag('REQUEST-VALIDATION')} ${group.name} gets 400 AuthError (${group.rows.length} shape${group.rows.length > 1 ? 's' : ''})`,
      group.smoke
        ? { tag: '@smoke', annotation: { type: 'shapes', description: shapes } }
        : { annotation: { type: 'shapes', description: shapes } },
      async ({ api }) => {
        for (const row of group.rows) {
          await test.step(row.name, async () => {
            const exchange = await api.call(row.name, {
              body: row.raw ?? row.body,
              ...(row.contentType === undefined ? {} : { contentType: row.contentType }),
              attach: !row.name.startsWith('oversized'),
              step: false,
            });
            const { response } = exchange;
            await expect.soft(exchange).toMatchDocumentedResponse();
            expect.soft(statusIs('REQUEST-VALIDATION', 400, response.status, row.name)).toHold();
            if (response.status !== 400) return;
            expect.soft(errorStatusMatches(response.status, response.text), row.name).toHold();
            expect.soft(errorIsExplained(response.text), row.name).toHold();
            expect.soft(errorRevealsNoInternals(response), row.name).toHold();
            expect.soft(responseHasNoPassword(response, marker), row.name).toHold();
          });
        }
      },
    );
  }
});

// A repeated key is valid JSON (RFC 8259 only says names SHOULD be unique) and the document is silent about it; most
// parsers keep the last value and answer 401. Refusing it is hardening: advisory by default (config/contract-policy.json).
test.describe('repeated properties', () => {
  const rows = [
    { name: 'password repeated', raw: `{"identifier": "${identifier}", "password": "x", "password": "${marker}"}` },
    {
      name: 'identifier repeated',
      raw: `{"identifier": "${identifier}", "password": "${marker}", "identifier": "other.${identifier}"}`,
    },
  ];
  test(`${clauseTag('DUPLICATE-KEYS')} a body that repeats a property gets 400 AuthError (${rows.length} shapes)`, async ({
    api,
  }) => {
    for (const row of rows) {
      await test.step(row.name, async () => {
        const exchange = await api.call(row.name, { body: row.raw, step: false });
        const { response } = exchange;
        // Whatever the target makes of it, the answer is documented and leaks nothing; only the 400 is hardening.
        await expect.soft(exchange).toMatchDocumentedResponse();
        expect.soft(statusIs('DUPLICATE-KEYS', 400, response.status, row.name)).toHold();
        expect.soft(errorStatusMatches(response.status, response.text), row.name).toHold();
        expect.soft(errorRevealsNoInternals(response), row.name).toHold();
        expect.soft(responseHasNoPassword(response, marker), row.name).toHold();
      });
    }
  });
});
