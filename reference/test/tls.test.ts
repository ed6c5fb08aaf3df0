// --tls-cert / --tls-key: the real server process over HTTPS with the test CA's fixtures (see fixtures/tls/README.md).
// Trusting the CA gets an answer; without it the client must refuse the certificate, so a plain-HTTP fallback or a
// certificate that does not chain to the CA fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MAIN_ACCOUNT } from '../accounts.ts';
import { LOGIN_PATH } from '../app.ts';
import { startReference } from '../launch.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/tls/${name}`, import.meta.url));

/** POST a login over HTTPS; resolves with the status and the HSTS header, or rejects with the TLS error. */
function login(baseUrl: string, ca?: Buffer): Promise<{ status: number; hsts: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(LOGIN_PATH, baseUrl),
      { method: 'POST', headers: { 'content-type': 'application/json' }, ...(ca ? { ca } : {}) },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            hsts: res.headers['strict-transport-security'] as string | undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ identifier: MAIN_ACCOUNT.identifier, password: MAIN_ACCOUNT.password }));
  });
}

describe('HTTPS', () => {
  test('serves the login over TLS at https://localhost:PORT; the test CA verifies it, the default trust does not', async () => {
    const ref = await startReference({
      hashCost: 'fast',
      loadAccounts: 0,
      tlsCert: fixture('server.crt'),
      tlsKey: fixture('server.key'),
    });
    try {
      assert.match(ref.baseUrl, /^https:\/\/localhost:\d+$/);
      // Over TLS the answer also carries HSTS (the contract's RESPONSE-HEADERS advises without it on https).
      assert.deepEqual(await login(ref.baseUrl, readFileSync(fixture('ca.crt'))), {
        status: 200,
        hsts: 'max-age=31536000',
      });
      await assert.rejects(login(ref.baseUrl), (error: NodeJS.ErrnoException) => {
        assert.match(`${error.code} ${error.message}`, /self[- ]signed|unable to verify/i);
        return true;
      });
    } finally {
      await ref.stop();
    }
  });

  test('a key that does not belong to the certificate stops the start with one line naming both flags', async () => {
    await assert.rejects(
      startReference({ hashCost: 'fast', loadAccounts: 0, tlsCert: fixture('server.crt'), tlsKey: fixture('ca.key') }),
      /--tls-cert=".*server\.crt" and --tls-key=".*ca\.key" are not a PEM certificate and its private key/,
    );
  });
});
