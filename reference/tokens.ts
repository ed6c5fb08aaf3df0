// The session JWT: EdDSA (Ed25519) over a key pair made at start, so the private key never leaves the process.
// Signed with node:crypto's one-shot sign(), synchronously: WebCrypto's sign (what jose uses) runs as a job on
// libuv's thread pool, i.e. two thread hand-offs per login on a machine whose cores are busy with argon2id
// (see bench/login-throughput.ts). Tests verify the tokens with jose, an independent implementation.
import type { KeyObject } from 'node:crypto';
import { generateKeyPairSync, sign } from 'node:crypto';

export interface SessionClaims {
  readonly sub: string;
  /** The session id. */
  readonly sid: string;
  readonly iat: number;
  readonly exp: number;
}

export interface TokenSigner {
  readonly alg: 'EdDSA';
  readonly publicKey: KeyObject;
  sign(claims: SessionClaims): Promise<string>;
}

export const JWT_ISSUER = 'vos-oms-reference';

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const EDDSA_HEADER = base64url({ alg: 'EdDSA', typ: 'JWT' });

export function createTokenSigner(): Promise<TokenSigner> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return Promise.resolve({
    alg: 'EdDSA',
    publicKey,
    sign: (claims) => {
      const payload = base64url({
        sid: claims.sid,
        iss: JWT_ISSUER,
        sub: claims.sub,
        iat: claims.iat,
        exp: claims.exp,
      });
      const signingInput = `${EDDSA_HEADER}.${payload}`;
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
