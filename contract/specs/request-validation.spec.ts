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
  readonly smoke?: boolean;
}

const wrongValues: readonly [string, unknown][] = [
  ['number', 12345],
  ['boolean', true],
  ['null', null],
  ['object', { value: 'x' }],
  ['array', ['x']],
];

const rows: readonly Row[] = [
  {
    name: 'malformed JSON (trailing comma)',
    raw: `{"identifier": "${identifier}", "password": "${marker}",}`,
    smoke: true,
  },
  { name: 'truncated JSON', raw: `{"identifier": "${identifier}", "password": "${marker}"` },
  { name: 'empty body', raw: '' },
  { name: 'JSON array', body: [identifier, marker] },
  { name: 'JSON string', body: identifier },
  { name: 'JSON number', body: 42 },
  { name: 'JSON null', body: null },
  { name: 'identifier missing', body: { password: marker } },
  { name: 'password missing', body: { identifier } },
  { name: 'both fields missing', body: {} },
  ...wrongValues.map(([type, value]) => ({
    name: `identifier as ${type}`,
    body: { identifier: value, password: marker },
  })),
  ...wrongValues.map(([type, value]) => ({ name: `password as ${type}`, body: { identifier, password: value } })),
  { name: 'an extra property', body: { identifier, password: marker, remember: true } },
  { name: 'a duplicated key', raw: `{"identifier": "${identifier}", "password": "x", "password": "${marker}"}` },
  { name: 'Content-Type text/plain', raw: JSON.stringify({ identifier, password: marker }), contentType: 'text/plain' },
  {
    name: 'form-encoded body',
    raw: new URLSearchParams({ identifier, password: marker }).toString(),
    contentType: 'application/x-www-form-urlencoded',
  },
  { name: 'no Content-Type', raw: JSON.stringify({ identifier, password: marker }), contentType: null },
  { name: 'body not UTF-8', raw: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
  { name: 'oversized body (1 MiB)', body: { identifier, password: marker.padEnd(1024 * 1024, 'x') } },
];

test.describe('400 — malformed requests', () => {
  for (const row of rows) {
    test(
      `${clauseTag('REQUEST-VALIDATION')} ${row.name} gets 400 AuthError`,
      row.smoke ? { tag: '@smoke' } : {},
      async ({ api }) => {
        const exchange = await api.call(row.name, {
          body: row.raw ?? (typeof row.body === 'string' ? JSON.stringify(row.body) : row.body),
          ...(row.contentType === undefined ? {} : { contentType: row.contentType }),
          attach: !row.name.startsWith('oversized'),
        });
        await expect(exchange).toMatchDocumentedResponse();
        expect(statusIs('REQUEST-VALIDATION', 400, exchange.response.status, row.name)).toPass();
        const { response } = exchange;
        await test.step('AuthError semantics: status matches, explained, nothing internal or secret', () => {
          expect.soft(errorStatusMatches(response.status, response.text)).toPass();
          expect.soft(errorIsExplained(response.text)).toPass();
          expect.soft(errorRevealsNoInternals(response)).toPass();
          expect.soft(responseHasNoPassword(response, marker)).toPass();
        });
      },
    );
  }
});
