// Renders the change list for a terminal (text), a job summary or PR comment (markdown), or a machine (json).
import type { Change } from './compare.ts';

export const formats = ['text', 'markdown', 'json'] as const;
export type Format = (typeof formats)[number];

const order = (c: Change): number => (c.severity === 'breaking' ? 0 : 1);
const sorted = (changes: readonly Change[]): Change[] => [...changes].sort((a, b) => order(a) - order(b));

function counts(changes: readonly Change[]): string {
  const breaking = changes.filter((c) => c.severity === 'breaking').length;
  return `${breaking} breaking, ${changes.length - breaking} harmless`;
}

export function render(changes: readonly Change[], base: string, next: string, format: Format): string {
  if (format === 'json') {
    const breaking = changes.some((c) => c.severity === 'breaking');
    return JSON.stringify({ base, next, breaking, changes: sorted(changes) }, null, 2) + '\n';
  }
  if (format === 'markdown') {
    const rows = sorted(changes).map(
      (c) =>
        `| ${c.severity === 'breaking' ? '**breaking**' : 'harmless'} | \`${c.where}\` | ${c.message.replace(/\|/g, '\\|')} |`,
    );
    const table = rows.length > 0 ? ['| class | where | change |', '|---|---|---|', ...rows] : ['No differences.'];
    return [`### Spec drift: \`${next}\` vs pinned \`${base}\``, '', `${counts(changes)}`, '', ...table, ''].join('\n');
  }
  const lines = sorted(changes).map(
    (c) => `${c.severity === 'breaking' ? 'BREAKING' : 'harmless'}  ${c.where}: ${c.message}`,
  );
  return [`spec:diff ${base} -> ${next}`, ...(lines.length > 0 ? lines : ['no differences']), counts(changes), ''].join(
    '\n',
  );
}
