// Self-test entry (see multiplex.ts): `node --import ./cli/ts-register.js reference/multiplex-server.ts [flags]`.
// Starts the identity services the plan needs, builds one app per target (and one per target behind a dead upstream),
// and prints `reference listening at http://127.0.0.1:PORT` like the ordinary entry. Flags: --port, --hash-cost,
// --load-accounts (also REFERENCE_*), --exit-on-stdin-close.
import { createApp } from './app.ts';
import type { App } from './app.ts';
import { DEFECTS } from './defects.ts';
import { closeServer, listenOnLoopback, onShutdown } from './entry.ts';
import { createHttpServer } from './http.ts';
import { deadUpstreamUrl, identityClient } from './identity/client.ts';
import type { RemoteIdentityBackend } from './identity/client.ts';
import { startIdentity } from './launch.ts';
import type { RunningIdentity } from './launch.ts';
import { createLogger } from './log.ts';
import { createMultiplexApp, HEALTHY, multiplexPlan } from './multiplex.ts';
import type { TargetApps } from './multiplex.ts';
import { parseServerOptions, UsageError } from './options.ts';
import { createTokenSigner } from './tokens.ts';
import { runMain } from '../core/main.ts';

runMain(
  'reference',
  async () => {
    const options = parseServerOptions(process.argv.slice(2));
    // Only the knobs that make sense for many targets at once; a defect, latency or fail rate would apply to all.
    if (options.defect !== undefined || options.addedLatencyMs > 0 || options.failRate > 0) {
      throw new UsageError(
        'the multiplexing reference serves every defect itself: drop --defect, --added-latency-ms and --fail-rate (and their REFERENCE_* variables)',
      );
    }
    // The deployment policies too: the self-test measures the catalog against the healthy service, policies off.
    const policies =
      options.jsonDuplicates !== 'reject' ||
      options.lockoutAfter > 0 ||
      options.rateLimit > 0 ||
      options.jitterMs > 0 ||
      options.tls !== undefined;
    if (policies) {
      throw new UsageError(
        'the multiplexing reference serves the catalog with no deployment policy: drop --json-duplicates, --lockout-after, --rate-limit, --jitter-ms and --tls-cert/--tls-key (and their REFERENCE_* variables)',
      );
    }
    if (options.upstream.kind !== 'managed' || options.accountsOut !== undefined) {
      throw new UsageError(
        'the multiplexing reference starts its own identity services: drop --upstream and --accounts-out',
      );
    }
    const log = createLogger('reference');
    const plan = multiplexPlan(DEFECTS);
    const identities = new Map<string, RunningIdentity>();
    const backends: RemoteIdentityBackend[] = [];
    let shuttingDown = false;
    const stopIdentities = async (): Promise<void> => {
      await Promise.all([...identities.values()].map((i) => i.stop()));
    };
    try {
      // The identity services start at once (each seeds its accounts with argon2id).
      await Promise.all(
        plan.identities.map(async (key) => {
          const identity = await startIdentity({
            hashCost: options.hashCost,
            loadAccounts: options.loadAccounts,
            ...(key === HEALTHY ? {} : { defect: key }),
            onLog: (line) => process.stderr.write(`${line}\n`),
          });
          identities.set(key, identity);
          void identity.exited.then((code) => {
            if (!shuttingDown)
              log.error({ code, identity: key }, 'identity service exited; its targets now answer 502');
          });
        }),
      );
    } catch (error) {
      await stopIdentities();
      throw new Error(`identity service failed to start: ${(error as Error).message}`, { cause: error });
    }

    const dead = await deadUpstreamUrl();
    const appFor = async (defect: (typeof DEFECTS)[number] | undefined, upstreamUrl: string): Promise<App> => {
      const backend = identityClient(upstreamUrl);
      backends.push(backend);
      return createApp({ identity: backend, signer: await createTokenSigner(), defect, log });
    };
    const apps = new Map<string, TargetApps>();
    for (const target of plan.targets) {
      const identity = identities.get(target.identity)!;
      apps.set(target.name, {
        main: await appFor(target.defect, identity.url),
        fault: await appFor(target.defect, dead),
      });
    }
    const app = createMultiplexApp(apps);
    const server = createHttpServer(app, log);
    const port = await listenOnLoopback(server, options.port);
    log.info(
      { port, targets: plan.targets.length, identities: plan.identities, hashCost: options.hashCost },
      'multiplexing reference ready',
    );
    onShutdown(async (reason) => {
      shuttingDown = true;
      log.info({ reason }, 'reference shutting down');
      await closeServer(server);
      await Promise.all(backends.map((b) => b.close()));
      await stopIdentities();
    }, options.exitOnStdinClose);
    process.stdout.write(`reference listening at http://127.0.0.1:${port}\n`);
  },
  { service: true },
);
