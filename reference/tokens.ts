// The session JWT: EdDSA (Ed25519) over a key pair made at start, so the private key never leaves the process.
// Signed with node:crypto's one-shot sign(), synchronously: WebCrypto's sign (what jose uses) runs as a job on
// libuv's thread pool, i.e. two thread hand-offs per login on a machine whose cores are busy with argon2id
// (see bench/reference/login-throughput.ts). Tests verify the tokens with jose, an independent implementation.
// The public key is published as a JWKS (GET /.well-known/jwks.json, see app.ts), as identity providers do, and the
// header names it by `kid` (its RFC 7638 thumbprint), so a client can verify the signature.
import type { KeyObject } from 'node:crypto';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';

export interface SessionClaims {
  /** The identity id; only a defect leaves it out. */
  readonly sub?: string;
  /** The session id. */
  readonly sid: string;
  readonly iat: number;
  /** Not before (seconds); only a defect sets it. */
  readonly nbf?: number;
  readonly exp: number;
}

/** The public half of the signing key as a JWK (OKP / Ed25519) with its kid, alg and use. */
export interface PublicJwk {
  readonly kty: string;
  readonly crv: string;
  readonly x: string;
  readonly kid: string;
  readonly alg: 'EdDSA';
  readonly use: 'sig';
}

export interface TokenSigner {
  readonly alg: 'EdDSA';
  readonly publicKey: KeyObject;
  readonly publicJwk: PublicJwk;
  sign(claims: SessionClaims): Promise<string>;
}

export const JWT_ISSUER = 'vos-oms-reference';

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function createTokenSigner(): Promise<TokenSigner> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const { crv = 'Ed25519', x = '' } = publicKey.export({ format: 'jwk' });
  // RFC 7638: the SHA-256 of the required members in lexicographic order, no whitespace.
  const kid = createHash('sha256')
    .update(JSON.stringify({ crv, kty: 'OKP', x }))
    .digest('base64url');
  const header = base64url({ alg: 'EdDSA', typ: 'JWT', kid });
  return Promise.resolve({
    alg: 'EdDSA',
    publicKey,
    publicJwk: { kty: 'OKP', crv, x, kid, alg: 'EdDSA', use: 'sig' },
    sign: (claims) => {
      const payload = base64url({
        sid: claims.sid,
        iss: JWT_ISSUER,
        sub: claims.sub,
        iat: claims.iat,
        nbf: claims.nbf,
        exp: claims.exp,
      });
      const signingInput = `${header}.${payload}`;
      // Ed25519 takes no separate digest: the algorithm argument is null.
      const signature = sign(null, Buffer.from(signingInput), privateKey).toString('base64url');
      return Promise.resolve(`${signingInput}.${signature}`);
    },
  });
}

/** An unsecured JWT (`alg: none`, empty signature): only the defect catalog produces one. */
export function unsecuredJwt(claims: SessionClaims): string {
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ iss: JWT_ISSUER, ...claims })}.`;
}
