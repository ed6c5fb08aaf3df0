// Identity service process entry: seeds the accounts, then prints `identity listening at tcp://127.0.0.1:PORT` (the
// wire protocol of wire.ts; the address is what the reference's --upstream takes).
import { listenOnLoopback, onShutdown } from '../entry.ts';
import { defectByName } from '../defects.ts';
import { createLogger } from '../log.ts';
import { parseIdentityOptions } from '../options.ts';
import { createIdentityServer } from './listener.ts';
import { createIdentityService } from './service.ts';
import { identityAddress } from './wire.ts';
import { runMain } from '../../core/main.ts';

runMain(
  'identity',
  async () => {
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
    const identity = createIdentityServer(service, log);
    const port = await listenOnLoopback(identity.server, options.port);
    log.info(
      { accounts: service.accounts, hashCost: options.hashCost, seedMs: Math.round(performance.now() - started), port },
      'identity seeded',
    );
    onShutdown(async (reason) => {
      log.info({ reason }, 'identity shutting down');
      service.close();
      await identity.close();
    }, options.exitOnStdinClose);
    process.stdout.write(`identity listening at ${identityAddress(port)}\n`);
  },
  { service: true },
);
