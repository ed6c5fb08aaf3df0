// `npm run k6 -- run [flags] <script.ts>`: real k6 when it is on PATH (or K6_ENGINE=k6), else the node engine.
// Prints which engine ran; exits with k6's exit codes.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
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

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
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

  if (k6 !== null) {
    process.stdout.write(`engine: k6 (${k6})\n`);
    const r = spawnSync(k6, argv, { stdio: 'inherit', env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
    process.exit(r.status ?? 1);
  }

  const options = parseRunArgs(argv, process.env);
  // Announced once the script loaded and its options are valid; an input error before that is one line, which
  // already names the engine ("k6 (node engine): ...").
  const banner = `engine: node (k6-compatible local engine${choice === 'auto' ? '; no k6 on PATH' : ''})\n`;
  const result = await runTest({ ...options, onStart: () => process.stdout.write(banner) });
  // Exit explicitly once stdout has drained: nothing else should keep the process alive after the run.
  process.stdout.write('', () => process.exit(result.exitCode));
}

main().catch((e: unknown) => {
  if (e instanceof EngineError) fail(e.message, e.exitCode);
  fail(`internal error: ${(e as Error).stack ?? String(e)}`, EXIT.scriptException);
});
