// Reference login service: `npm run reference -- [flags]` (entry cli/reference.ts), or spawned by reference/launch.ts.
// Starts (or points at) the identity service, then serves POST /api/auth/login on 127.0.0.1 and prints
// `reference listening at http://127.0.0.1:PORT` on stdout (with --tls-cert/--tls-key: HTTPS, `https://localhost:PORT`).
import { loadAccounts } from './accounts.ts';
import { createApp } from './app.ts';
import { defectByName } from './defects.ts';
import { closeServer, listenOnLoopback, onShutdown } from './entry.ts';
import { appendFileSync } from 'node:fs';
import { writeFileAtomic } from '../core/files.ts';
import { createHttpServer } from './http.ts';
import { deadUpstreamUrl, identityClient } from './identity/client.ts';
import { startIdentity } from './launch.ts';
import type { RunningIdentity } from './launch.ts';
import { createLogger } from './log.ts';
import { parseServerOptions, SERVER_USAGE } from './options.ts';
import { createTokenSigner } from './tokens.ts';
import { isMainModule, runMain } from '../core/main.ts';

/** Serves the reference until SIGTERM/SIGINT (or stdin EOF when asked); resolves once it listens. */
export async function serveReference(argv: readonly string[]): Promise<void> {
  const options = parseServerOptions(argv);
  if (options.help) return void process.stdout.write(`${SERVER_USAGE}\n`);
  if (options.listDefects) return void process.stdout.write([...defectByName.keys()].map((n) => `${n}\n`).join(''));

  const log = createLogger('reference');
  let shuttingDown = false;
  if (options.accountsOut !== undefined) {
    try {
      writeFileAtomic(options.accountsOut, `${JSON.stringify(loadAccounts(options.loadAccounts), null, 2)}\n`, {
        mode: 0o600,
      });
    } catch (error) {
      throw new Error(`cannot write --accounts-out ${options.accountsOut}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  let identity: RunningIdentity | undefined;
  let upstreamUrl: string;
  if (options.upstream.kind === 'managed') {
    identity = await startIdentity({
      hashCost: options.hashCost,
      loadAccounts: options.loadAccounts,
      ...(options.defect !== undefined ? { defect: options.defect } : {}),
      // The identity child logs to our stderr, so one stream carries both processes' logs.
      onLog: (line) => process.stderr.write(`${line}\n`),
    }).catch((error: unknown) => {
      throw new Error(`identity service failed to start: ${(error as Error).message}`, { cause: error });
    });
    upstreamUrl = identity.url;
    void identity.exited.then((code) => {
      if (!shuttingDown) log.error({ code }, 'identity service exited; every login now answers 502');
    });
  } else if (options.upstream.kind === 'dead') {
    upstreamUrl = await deadUpstreamUrl();
  } else {
    upstreamUrl = options.upstream.url;
  }

  const backend = identityClient(upstreamUrl);
  const defect = options.defect === undefined ? undefined : defectByName.get(options.defect);
  const app = createApp({
    identity: backend,
    signer: await createTokenSigner(),
    defect,
    jsonDuplicates: options.jsonDuplicates,
    lockout: options.lockoutAfter > 0 ? { after: options.lockoutAfter, seconds: options.lockoutSeconds } : undefined,
    rateLimit: options.rateLimit,
    sessionCookie:
      options.sessionCookie === undefined
        ? undefined
        : { name: options.sessionCookie, secure: options.tls !== undefined },
    addedLatencyMs: options.addedLatencyMs,
    jitterMs: options.jitterMs,
    failRate: options.failRate,
    log,
    onTokensIssued: tokenJournal(process.env.REFERENCE_TOKEN_JOURNAL),
  });
  const server = createHttpServer(app, log, options.tls);
  const port = await listenOnLoopback(server, options.port);
  log.info(
    {
      port,
      upstream: options.upstream.kind === 'url' ? upstreamUrl : `${options.upstream.kind} (${upstreamUrl})`,
      defect: options.defect ?? null,
      hashCost: options.hashCost,
      loadAccounts: options.loadAccounts,
      addedLatencyMs: options.addedLatencyMs,
      failRate: options.failRate,
      jsonDuplicates: options.jsonDuplicates,
      lockoutAfter: options.lockoutAfter,
      lockoutSeconds: options.lockoutSeconds,
      rateLimit: options.rateLimit,
      jitterMs: options.jitterMs,
      tlsCert: options.tls?.certFile ?? null,
      tlsKey: options.tls?.keyFile ?? null,
    },
    'reference ready',
  );
  onShutdown(async (reason) => {
    shuttingDown = true;
    log.info({ reason }, 'reference shutting down');
    await closeServer(server);
    await backend.close();
    await identity?.stop();
  }, options.exitOnStdinClose);
  // With TLS the name the certificate carries (localhost), so clients verify it; the socket is 127.0.0.1 either way.
  const origin = options.tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`;
  process.stdout.write(`reference listening at ${origin}\n`);
}

// Also started by path, as a child process, by reference/launch.ts (the npm script's entry is cli/reference.ts).
if (isMainModule(import.meta.url)) {
  runMain('reference', () => serveReference(process.argv.slice(2)), { service: true });
}

/** REFERENCE_TOKEN_JOURNAL=FILE (tests only): append every issued token to FILE, outside any report folder, so the
 * suite's secret scan can prove none of them was stored in a report. */
function tokenJournal(file: string | undefined): ((tokens: readonly string[]) => void) | undefined {
  if (file === undefined || file === '') return undefined;
  return (tokens) => appendFileSync(file, `${tokens.join('\n')}\n`, { mode: 0o600 });
}
