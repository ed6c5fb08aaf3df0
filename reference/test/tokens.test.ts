// The hand-rolled EdDSA signer is checked against jose, an independent JWS implementation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createTokenSigner, JWT_ISSUER, unsecuredJwt } from '../tokens.ts';

const claims = { sub: 'identity-1', sid: 'session-1', iat: 1_700_000_000, exp: 4_100_000_000 };

test('a signed JWT verifies with jose under the public key and carries the claims', async () => {
  const signer = await createTokenSigner();
  const jwt = await signer.sign(claims);
  assert.deepEqual(decodeProtectedHeader(jwt), { alg: 'EdDSA', typ: 'JWT', kid: signer.publicJwk.kid });
  const { payload } = await jwtVerify(jwt, signer.publicKey, { issuer: JWT_ISSUER, algorithms: ['EdDSA'] });
  assert.deepEqual(payload, { ...claims, iss: JWT_ISSUER });
});

test('the published JWK verifies the token through a JWKS, and its kid is the RFC 7638 thumbprint', async () => {
  const signer = await createTokenSigner();
  const jwt = await signer.sign(claims);
  const jwks = createLocalJWKSet({ keys: [{ ...signer.publicJwk }] });
  const { payload } = await jwtVerify(jwt, jwks, { algorithms: ['EdDSA'] });
  assert.equal(payload.sub, claims.sub);
  assert.equal(signer.publicJwk.kid, await calculateJwkThumbprint({ ...signer.publicJwk }));
  const other = await createTokenSigner();
  await assert.rejects(jwtVerify(await other.sign(claims), jwks), /no applicable key found/);
});

test('optional claims: nbf is signed when set, sub is left out when absent', async () => {
  const signer = await createTokenSigner();
  const { sub: _sub, ...withoutSub } = claims;
  const { payload } = await jwtVerify(await signer.sign({ ...withoutSub, nbf: claims.iat + 5 }), signer.publicKey);
  assert.equal(payload.sub, undefined);
  assert.equal(payload.nbf, claims.iat + 5);
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
