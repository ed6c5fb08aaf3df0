// node:http adapter for the app: reads the body up to the limit, hands a plain request to `app.handle`, writes the
// answer. A body over the limit is drained up to a hard cap (so the client reads our 400 instead of a reset).
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as HttpsServer } from 'node:https';
import type { Logger } from 'pino';
import type { App } from './app.ts';
import { MAX_BODY_BYTES } from './app.ts';

const DRAIN_CAP_BYTES = 1024 * 1024;

/** Plain HTTP, or HTTPS with `tls` (the same handler either way). */
export function createHttpServer(
  app: App,
  log: Logger,
  tls?: { readonly cert: Buffer; readonly key: Buffer },
): Server | HttpsServer {
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    readBody(req)
      .then(({ body, tooLarge, aborted }) =>
        app
          .handle({
            method: req.method ?? 'GET',
            url: req.url ?? '/',
            contentType: req.headers['content-type'],
            userAgent: req.headers['user-agent'],
            body,
            tooLarge,
            remoteAddress: req.socket.remoteAddress ?? '',
            headers: flatHeaders(req),
          })
          .then((answer) => {
            const headers: Record<string, string | number> = { ...answer.headers };
            // Served over TLS, the service asks browsers to keep to https (HSTS, one year), as a real deployment would.
            if (tls) headers['strict-transport-security'] = 'max-age=31536000';
            headers['content-length'] = Buffer.byteLength(answer.body);
            if (aborted) headers.connection = 'close';
            res.writeHead(answer.status, headers);
            res.end(answer.body);
            log.debug(
              // The path only: a query string may carry credentials (a client trying undocumented channels).
              {
                method: req.method,
                path: req.url?.split('?')[0],
                status: answer.status,
                ms: performance.now() - started,
              },
              'request',
            );
          }),
      )
      .catch((error: unknown) => {
        // Only a bug (or a client that vanished mid-body) gets here: answer honestly, in AuthError shape, no stack.
        log.error({ err: error instanceof Error ? error.message : String(error) }, 'unhandled request failure');
        if (!res.headersSent && !res.destroyed) {
          const body = JSON.stringify({
            error: 'internal_error',
            message: 'The request could not be completed.',
            status: 500,
          });
          res.writeHead(500, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          res.end(body);
        } else res.destroy();
      });
  };
  const server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler) : createServer(handler);
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return server;
}

/** Lower-case names, repeated headers joined with ", " (Set-Cookie-like arrays included). */
function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function readBody(req: IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > DRAIN_CAP_BYTES) {
        // Stop reading; the answer goes out with Connection: close.
        req.off('data', onData).off('end', onEnd).pause();
        resolve({ body: Buffer.alloc(0), tooLarge: true, aborted: true });
      }
    };
    const onEnd = (): void => {
      const tooLarge = size > MAX_BODY_BYTES;
      resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge, aborted: false });
    };
    req.on('data', onData).on('end', onEnd).on('error', reject);
  });
}
