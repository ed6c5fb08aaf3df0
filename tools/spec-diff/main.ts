// The logic of `npm run spec:diff` (cli.ts only wires it to process.argv and the exit code).
// Compares the pinned contract with another OpenAPI document. Exit 0: nothing breaking; 1: breaking changes;
// 2: bad input (one line on stderr saying what is wrong and how to fix it).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compareSpecs } from './compare.ts';
import { formats, render } from './format.ts';
import type { Format } from './format.ts';
import { loadSpec, SpecError } from './load.ts';

export const pinnedSpec = 'contract/openapi/vos-oms-login.openapi.yaml';
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const usage = 'usage: npm run spec:diff -- [--base FILE] [--format text|markdown|json] <newer-spec.yaml|json>';

class UsageError extends Error {}

function parse(argv: string[]): { base: string; baseLabel: string; next: string; format: Format } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { base: { type: 'string' }, format: { type: 'string' } },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('. ')[0] ?? ''}; ${usage}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new UsageError(`expected exactly one newer spec file, got ${positionals.length}; ${usage}`);
  }
  const format = values.format ?? 'text';
  if (!(formats as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${formats.join(', ')}, got "${format}"`);
  }
  return {
    base: values.base ?? join(repoRoot, pinnedSpec),
    baseLabel: values.base ?? pinnedSpec,
    next: positionals[0] ?? '',
    format: format as Format,
  };
}

export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: Output = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function main(argv: string[], output: Output = processOutput): number {
  try {
    const { base, baseLabel, next, format } = parse(argv);
    const changes = compareSpecs(loadSpec(base), loadSpec(next));
    output.stdout(render(changes, baseLabel, next, format));
    return changes.some((c) => c.severity === 'breaking') ? 1 : 0;
  } catch (error) {
    if (error instanceof SpecError || error instanceof UsageError) {
      output.stderr(`spec:diff: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
