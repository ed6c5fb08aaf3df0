// The session JWT: EdDSA (Ed25519) over a key pair made at start, so the private key never leaves the process.
import type { CryptoKey } from 'jose';
import { generateKeyPair, SignJWT } from 'jose';

export interface SessionClaims {
  readonly sub: string;
  /** The session id. */
  readonly sid: string;
  readonly iat: number;
  readonly exp: number;
}

export interface TokenSigner {
  readonly alg: 'EdDSA';
  readonly publicKey: CryptoKey;
  sign(claims: SessionClaims): Promise<string>;
}

export const JWT_ISSUER = 'vos-oms-reference';

export async function createTokenSigner(): Promise<TokenSigner> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return {
    alg: 'EdDSA',
    publicKey,
    sign: (claims) =>
      new SignJWT({ sid: claims.sid })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
        .setIssuer(JWT_ISSUER)
        .setSubject(claims.sub)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(privateKey),
  };
}

/** An unsecured JWT (`alg: none`, empty signature): only the defect catalog produces one. */
export function unsecuredJwt(claims: SessionClaims): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: JWT_ISSUER, ...claims })}.`;
}
