// The logic of `npm run spec:diff` (cli/spec-diff.ts only wires it to process.argv and the exit code).
// Compares the pinned contract with another OpenAPI document. Exit 0: nothing breaking; 1: breaking changes;
// 2: bad input (one line on stderr saying what is wrong and how to fix it).
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compareSpecs } from './compare.ts';
import { formats, render } from './format.ts';
import type { Format } from './format.ts';
import { dereference, loadSpec, pinnedSpecPath, SpecError } from '../../contract/validator/spec.ts';
import type { JsonObject } from '../../contract/validator/spec.ts';
import { UserError } from '../../core/errors.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const pinnedSpec = relative(repoRoot, pinnedSpecPath);
const usage = 'usage: npm run spec:diff -- [--base FILE] [--format text|markdown|json] <newer-spec.yaml|json>';

class UsageError extends UserError {}

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
    base: values.base ?? pinnedSpecPath,
    baseLabel: values.base ?? pinnedSpec,
    next: positionals[0] ?? '',
    format: format as Format,
  };
}

/** Any OpenAPI 3.x document (not only 3.0, so no schema check), with its local $refs resolved. */
const load = (file: string): JsonObject => dereference(loadSpec(file, { checkSchema: false }));

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
    const changes = compareSpecs(load(base), load(next));
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
