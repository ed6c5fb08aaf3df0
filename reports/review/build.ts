// npm run review -- [--run DIR] [--baseline FILE|auto] [--tolerances FILE] [--out DIR]
// Compares a load run with its baseline and writes review.html, review.md (PR comment / job summary) and review.json.
// Exit 0 when no regression beyond tolerance (or no baseline yet), 1 on a regression, 2 on bad input.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../lib/files.ts';
import { loadTolerances } from './compare.ts';
import { reviewRun, writeReview } from './review.ts';

const usage = 'usage: npm run review -- [--run DIR] [--baseline FILE|auto] [--tolerances FILE] [--out DIR]';

export function parseArgs(argv: string[]): Record<'run' | 'baseline' | 'tolerances' | 'out', string | undefined> {
  const opts: Record<'run' | 'baseline' | 'tolerances' | 'out', string | undefined> = {
    run: undefined,
    baseline: undefined,
    tolerances: undefined,
    out: undefined,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const name = arg.replace(/^--/, '');
    if (arg.startsWith('--') && name in opts) {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new InputError(`${arg} needs a value; ${usage}`);
      if (
        (name === 'run' || name === 'tolerances' || (name === 'baseline' && value !== 'auto')) &&
        !existsSync(value)
      ) {
        throw new InputError(`${arg} ${value} does not exist; ${usage}`);
      }
      opts[name as keyof typeof opts] = value;
    } else throw new InputError(`unexpected argument "${arg}"; ${usage}`);
  }
  return opts;
}

/** The `npm run review` command (entry: cli/review.ts). */
export async function reviewMain(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const review = await reviewRun({
    ...(args.run ? { runDir: resolve(args.run) } : {}),
    ...(args.baseline ? { baseline: args.baseline === 'auto' ? 'auto' : resolve(args.baseline) } : {}),
    ...(args.tolerances ? { tolerances: loadTolerances(resolve(args.tolerances)) } : {}),
  });
  const files = writeReview(review, args.out ? resolve(args.out) : undefined);
  const failing = review.comparisons.filter((c) => c.verdict !== 'pass').map((c) => `${c.label} ${c.verdict}`);
  console.log(
    `performance review: ${review.verdict}${failing.length ? ` (${failing.join(', ')})` : ''} — ${files.html}`,
  );
  return review.verdict === 'fail' ? 1 : 0;
}
