// The identity service's wire protocol (loopback HTTP, internal): POST /v1/authenticate and GET /healthz.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuthenticateRequest, IdentityService } from './service.ts';

export const AUTHENTICATE_PATH = '/v1/authenticate';
const MAX_BODY_BYTES = 64 * 1024;

export function identityRequestListener(service: IdentityService, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void handle(service, req, res).catch((error: unknown) => {
      log.error({ err: error instanceof Error ? error.message : String(error) }, 'identity request failed');
      send(res, 500, { error: 'internal' });
    });
  };
}

async function handle(service: IdentityService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET' && req.url === '/healthz') {
    return send(res, 200, { ok: true, accounts: service.accounts, sessions: service.sessionCount() });
  }
  if (req.method !== 'POST' || req.url !== AUTHENTICATE_PATH) return send(res, 404, { error: 'not_found' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return send(res, 400, { error: 'body_too_large' });
    chunks.push(chunk);
  }
  const request = parseAuthenticateRequest(Buffer.concat(chunks).toString('utf8'));
  if (request === undefined) return send(res, 400, { error: 'bad_request' });
  send(res, 200, await service.authenticate(request));
}

function parseAuthenticateRequest(text: string): AuthenticateRequest | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { identifier, password, device } = value as Record<string, unknown>;
  if (typeof identifier !== 'string' || typeof password !== 'string') return undefined;
  if (typeof device !== 'object' || device === null) return undefined;
  const { ip_address, user_agent } = device as Record<string, unknown>;
  if (typeof ip_address !== 'string' || typeof user_agent !== 'string') return undefined;
  return { identifier, password, device: { ip_address, user_agent } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
