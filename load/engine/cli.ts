// `npm run k6 -- run [flags] <script.ts>`: real k6 when it is on PATH (or K6_ENGINE=k6), else the node engine.
// Prints which engine ran; exits with k6's exit codes.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ProxyConfigError, proxySettingsFromEnv } from '../../config/proxy.ts';
import { extraCaCertsProblem, k6TrustEnv } from '../../config/tls.ts';
import { isMainModule } from '../../core/main.ts';
import { parseRunArgs, USAGE } from './src/args.ts';
import { EngineError, EXIT } from './src/errors.ts';
import { runTest } from './src/run.ts';

function findK6(): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'k6');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function fail(message: string, code: number): never {
  process.stderr.write(`k6 (node engine): ${message}\n`);
  process.exit(code);
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(argv.length === 0 ? EXIT.invalidConfig : 0);
  }
  const choice = (process.env['K6_ENGINE'] ?? 'auto').toLowerCase();
  if (!['auto', 'k6', 'node'].includes(choice))
    fail(`K6_ENGINE="${choice}" is invalid: use auto, k6 or node`, EXIT.invalidConfig);
  const k6 = choice === 'node' ? null : findK6();
  if (choice === 'k6' && k6 === null)
    fail('K6_ENGINE=k6 but no k6 binary is on PATH: install k6 or use K6_ENGINE=node', EXIT.invalidConfig);

  // Node reads NODE_EXTRA_CA_CERTS at start and only warns when it cannot: say it in one line instead.
  const caProblem = extraCaCertsProblem(process.env['NODE_EXTRA_CA_CERTS']);
  if (caProblem !== undefined) fail(caProblem, EXIT.invalidConfig);

  if (k6 !== null) {
    process.stdout.write(`engine: k6 (${k6})\n`);
    // k6 (Go) ignores NODE_EXTRA_CA_CERTS; on Linux it reads SSL_CERT_FILE, given here as Node's roots + that CA.
    let scratch: string | undefined;
    const trust = k6TrustEnv(process.env, () => (scratch = mkdtempSync(join(tmpdir(), 'k6-trust-'))));
    if (trust['SSL_CERT_FILE'] !== undefined) {
      process.stdout.write(`engine: k6 trusts NODE_EXTRA_CA_CERTS through SSL_CERT_FILE=${trust['SSL_CERT_FILE']}\n`);
    }
    const r = spawnSync(k6, argv, { stdio: 'inherit', env: { ...process.env, ...trust, K6_NO_USAGE_REPORT: 'true' } });
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
    process.exit(r.status ?? 1);
  }

  // The engine's client applies HTTPS_PROXY / HTTP_PROXY / NO_PROXY with k6's rules (config/proxy.ts).
  try {
    proxySettingsFromEnv(process.env);
  } catch (e) {
    if (e instanceof ProxyConfigError) fail(e.message, EXIT.invalidConfig);
    throw e;
  }

  const options = parseRunArgs([...argv], process.env);
  // Announced once the script loaded and its options are valid; an input error before that is one line, which
  // already names the engine ("k6 (node engine): ...").
  const banner = `engine: node (k6-compatible local engine${choice === 'auto' ? '; no k6 on PATH' : ''})\n`;
  const result = await runTest({ ...options, onStart: () => process.stdout.write(banner) });
  // Exit explicitly once stdout has drained: nothing else should keep the process alive after the run.
  process.stdout.write('', () => process.exit(result.exitCode));
}

/**
 * The k6 command line (k6's own grammar, parsed by src/args.ts as k6 does, not by node:util parseArgs): ends the
 * process with k6's exit code. Entry of `npm run k6` is cli/k6.ts; the engine's tests start this file by path.
 */
export function runK6Cli(argv: readonly string[]): void {
  main(argv).catch((e: unknown) => {
    if (e instanceof EngineError) fail(e.message, e.exitCode);
    fail(`internal error: ${(e as Error).stack ?? String(e)}`, EXIT.scriptException);
  });
}

if (isMainModule(import.meta.url)) runK6Cli(process.argv.slice(2));
