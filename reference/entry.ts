// What the process entries (server.ts, identity/server.ts, multiplex-server.ts) share: listening and graceful
// shutdown. Each runs under core/main.ts runMain(..., { service: true }): a failure is one line `label: message` on
// stderr (no stack), exit 2 for a UserError (UsageError) and 1 for a failed start.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Server } from 'node:net';

export function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} on 127.0.0.1 is in use: choose another --port, or 0 for a free one`
            : `cannot listen on 127.0.0.1:${port}: ${error.message}`,
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Call `shutdown` once on SIGTERM/SIGINT (or stdin EOF when the launcher asked for it), then exit 0; exit 1 if it
 * takes longer than 5 s.
 */
export function onShutdown(shutdown: (reason: string) => Promise<void>, exitOnStdinClose: boolean): void {
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 5000).unref();
    shutdown(reason).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  if (exitOnStdinClose) {
    process.stdin.on('end', () => stop('stdin closed'));
    process.stdin.on('close', () => stop('stdin closed'));
    process.stdin.resume();
  }
}

export function closeServer(server: HttpServer | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
