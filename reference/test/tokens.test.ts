// The hand-rolled EdDSA signer is checked against jose, an independent JWS implementation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { createTokenSigner, JWT_ISSUER, unsecuredJwt } from '../tokens.ts';

const claims = { sub: 'identity-1', sid: 'session-1', iat: 1_700_000_000, exp: 4_100_000_000 };

test('a signed JWT verifies with jose under the public key and carries the claims', async () => {
  const signer = await createTokenSigner();
  const jwt = await signer.sign(claims);
  assert.deepEqual(decodeProtectedHeader(jwt), { alg: 'EdDSA', typ: 'JWT' });
  const { payload } = await jwtVerify(jwt, signer.publicKey, { issuer: JWT_ISSUER, algorithms: ['EdDSA'] });
  assert.deepEqual(payload, { ...claims, iss: JWT_ISSUER });
});

test('jose rejects a token from another key and a tampered payload', async () => {
  const signer = await createTokenSigner();
  const other = await createTokenSigner();
  const jwt = await signer.sign(claims);
  await assert.rejects(jwtVerify(jwt, other.publicKey), /signature verification failed/);
  const [header, , signature] = jwt.split('.');
  const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else', iss: JWT_ISSUER })).toString('base64url');
  await assert.rejects(
    jwtVerify(`${header}.${forged}.${signature}`, signer.publicKey),
    /signature verification failed/,
  );
});

test('the unsecured JWT of the defect catalog has alg none and an empty signature', () => {
  const jwt = unsecuredJwt(claims);
  assert.equal(decodeProtectedHeader(jwt).alg, 'none');
  assert.ok(jwt.endsWith('.'));
});
