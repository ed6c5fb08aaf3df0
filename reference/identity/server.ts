// Identity service process entry: seeds the accounts, then prints `identity listening at http://127.0.0.1:PORT`.
import { createServer } from 'node:http';
import { closeServer, listenOnLoopback, onShutdown, runEntry } from '../entry.ts';
import { defectByName } from '../defects.ts';
import { createLogger } from '../log.ts';
import { parseIdentityOptions } from '../options.ts';
import { identityRequestListener } from './http.ts';
import { createIdentityService } from './service.ts';

runEntry('identity', async () => {
  const options = parseIdentityOptions(process.argv.slice(2));
  const log = createLogger('identity');
  const started = performance.now();
  const faults = options.defect === undefined ? undefined : defectByName.get(options.defect)?.identity;
  const service = await createIdentityService({
    hashCost: options.hashCost,
    loadAccounts: options.loadAccounts,
    sessionTtlSeconds: options.sessionTtlSeconds,
    maxSessions: options.maxSessions,
    ...(faults ? { faults } : {}),
  });
  const server = createServer(identityRequestListener(service, log));
  server.keepAliveTimeout = 5000;
  const port = await listenOnLoopback(server, options.port);
  log.info(
    { accounts: service.accounts, hashCost: options.hashCost, seedMs: Math.round(performance.now() - started), port },
    'identity seeded',
  );
  onShutdown(async (reason) => {
    log.info({ reason }, 'identity shutting down');
    service.close();
    await closeServer(server);
  }, options.exitOnStdinClose);
  process.stdout.write(`identity listening at http://127.0.0.1:${port}\n`);
});
