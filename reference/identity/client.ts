// The API's client for the identity service over loopback HTTP. Any failure to get a well-formed answer (refused,
// reset, timeout, 5xx, garbage) becomes an UpstreamError, which the API answers with the documented 502.
import { createServer } from 'node:net';
import { Pool } from 'undici';
import { AUTHENTICATE_PATH } from './http.ts';
import type { AuthenticateRequest, AuthenticateResult, IdentityBackend } from './service.ts';

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
}

export interface HttpIdentityBackend extends IdentityBackend {
  readonly url: string;
  close(): Promise<void>;
}

export function httpIdentityBackend(url: string, timeoutMs = 10_000): HttpIdentityBackend {
  // Keep-alive pool: a killed identity process drops its sockets, the next request reconnects, so service
  // recovers as soon as the identity listens again.
  const pool = new Pool(url, {
    connections: 64,
    connect: { timeout: 1000 },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 4000,
  });
  return {
    url,
    close: () => pool.close(),
    async authenticate(request: AuthenticateRequest): Promise<AuthenticateResult> {
      let status: number;
      let text: string;
      try {
        const res = await pool.request({
          method: 'POST',
          path: AUTHENTICATE_PATH,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request),
        });
        status = res.statusCode;
        text = await res.body.text();
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        throw new UpstreamError(`identity unreachable: ${typeof code === 'string' ? code : 'request failed'}`);
      }
      if (status !== 200) throw new UpstreamError(`identity answered ${status}`);
      const result = parseResult(text);
      if (result === undefined) throw new UpstreamError('identity answered a malformed body');
      return result;
    },
  };
}

function parseResult(text: string): AuthenticateResult | undefined {
  try {
    const value = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (value.ok === true && typeof value.identity === 'object' && typeof value.session === 'object') {
      return value as unknown as AuthenticateResult;
    }
    if (value.ok === false && (value.reason === 'unknown-identifier' || value.reason === 'wrong-password')) {
      return value as unknown as AuthenticateResult;
    }
  } catch {
    // fall through: malformed
  }
  return undefined;
}

/** A loopback URL where nothing listens (a port bound, then released): the `--upstream dead` target. */
export async function deadUpstreamUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not reserve a loopback port');
  return `http://127.0.0.1:${address.port}`;
}
