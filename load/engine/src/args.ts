// `k6 run` flags, parsed the way k6 accepts them (`--flag value`, `--flag=value`, short forms).
import { parseDuration } from './duration.ts';
import { invalidConfig } from './errors.ts';
import type { RunOptions } from './run.ts';

export const USAGE = `usage: npm run k6 -- run [flags] <script.ts>
  -e, --env KEY=VALUE                 add an environment variable for __ENV (repeatable)
  -u, --vus N                         number of VUs (overrides the script's scenarios, as in k6)
  -d, --duration D                    test duration, e.g. 30s (overrides the script's scenarios)
  -i, --iterations N                  total iterations (overrides the script's scenarios)
  -o, --out json=FILE                 write every metric sample as k6 JSON lines (gzip when FILE ends in .gz)
      --summary-export FILE           write the legacy k6 summary JSON
      --execution-segment SEG         run only this part of the test, e.g. 1/4:1/2
      --execution-segment-sequence S  all segments of the distributed test, e.g. 0,1/4,1/2,3/4,1
      --tag KEY=VALUE                 add a tag to every metric sample (repeatable)
  -q, --quiet                         no banner or progress lines
      --offline                       remote modules (https:// imports) from the cache only, no network
environment: K6_ENGINE=auto|k6|node (default auto: k6 when on PATH, else the node engine)`;

const WITH_VALUE = new Set([
  '-e',
  '--env',
  '-u',
  '--vus',
  '-d',
  '--duration',
  '-i',
  '--iterations',
  '-o',
  '--out',
  '--summary-export',
  '--execution-segment',
  '--execution-segment-sequence',
  '--tag',
]);
const BOOLEAN = new Set(['-q', '--quiet', '--offline']);

function keyValue(v: string, flag: string): [string, string] {
  const idx = v.indexOf('=');
  if (idx <= 0) throw invalidConfig(`${flag} "${v}" must be KEY=VALUE`);
  return [v.slice(0, idx), v.slice(idx + 1)];
}

function positiveInt(v: string, flag: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw invalidConfig(`${flag} "${v}" must be a whole number >= 1`);
  return Number(v);
}

export function parseRunArgs(argv: string[], baseEnv: Record<string, string | undefined>): RunOptions {
  if (argv[0] !== 'run')
    throw invalidConfig(`unknown command "${argv[0] ?? ''}": the only command is "run" (npm run k6 -- --help)`);
  const o: RunOptions = { script: '', env: {}, cli: {}, quiet: false, tags: {} };
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) o.env[k] = v;
  const rest = argv.slice(1);
  const scripts: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    let arg = rest[i]!;
    let value: string | undefined;
    if (arg.startsWith('--') && arg.includes('=')) {
      value = arg.slice(arg.indexOf('=') + 1);
      arg = arg.slice(0, arg.indexOf('='));
    }
    if (BOOLEAN.has(arg)) {
      if (arg === '--offline') o.offline = true;
      else o.quiet = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      scripts.push(arg);
      continue;
    }
    if (!WITH_VALUE.has(arg)) throw invalidConfig(`unknown flag ${arg}\n${USAGE}`);
    if (value === undefined) {
      value = rest[++i];
      if (value === undefined) throw invalidConfig(`flag ${arg} needs a value`);
    }
    switch (arg) {
      case '-e':
      case '--env': {
        const [k, v] = keyValue(value, arg);
        o.env[k] = v;
        break;
      }
      case '--tag': {
        const [k, v] = keyValue(value, arg);
        o.tags[k] = v;
        break;
      }
      case '-u':
      case '--vus':
        o.cli.vus = positiveInt(value, arg);
        break;
      case '-i':
      case '--iterations':
        o.cli.iterations = positiveInt(value, arg);
        break;
      case '-d':
      case '--duration':
        o.cli.durationMs = parseDuration(value, arg);
        if (o.cli.durationMs <= 0) throw invalidConfig(`${arg} must be above 0`);
        break;
      case '-o':
      case '--out': {
        if (!value.startsWith('json=') || value.length <= 5) {
          throw invalidConfig(`--out "${value}": the node engine supports only json=FILE`);
        }
        o.jsonOut = value.slice(5);
        break;
      }
      case '--summary-export':
        o.summaryExport = value;
        break;
      case '--execution-segment':
        o.segment = value;
        break;
      case '--execution-segment-sequence':
        o.segmentSequence = value;
        break;
    }
  }
  if (scripts.length !== 1) {
    throw invalidConfig(
      scripts.length === 0 ? `no script given\n${USAGE}` : `one script expected, got: ${scripts.join(' ')}`,
    );
  }
  o.script = scripts[0]!;
  return o;
}
