// Every defect of the catalog breaks exactly the clauses it declares (judged by ./oracle.ts), and the healthy
// service breaks none: the oracle is shown able to fail, and each catalog row shown to do what it says.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { clauseById } from '../../contract/clauses.ts';
import { DEFECTS, defectByName } from '../defects.ts';
import { INTERMITTENT_DEFECTS } from '../intermittent-defects.ts';
import { clauseViolations } from './oracle.ts';

describe('defect catalog', () => {
  test('has at least 30 uniquely named defects, each with a one-line description and known clause ids', () => {
    assert.ok(DEFECTS.length >= 30, `only ${DEFECTS.length} defects`);
    assert.equal(defectByName.size, DEFECTS.length + INTERMITTENT_DEFECTS.length, 'defect names must be unique');
    for (const d of [...DEFECTS, ...INTERMITTENT_DEFECTS]) {
      assert.match(d.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${d.name}: names are kebab-case`);
      assert.ok(d.description.length > 10 && !d.description.includes('\n'), `${d.name}: one-line description`);
      for (const c of d.clauses) assert.ok(clauseById.has(c), `${d.name}: unknown clause ${c}`);
      assert.equal(new Set(d.clauses).size, d.clauses.length, `${d.name}: repeated clause`);
    }
  });

  test('covers every documented response and every clause of the contract', () => {
    const covered = new Set(DEFECTS.flatMap((d) => d.clauses));
    const missing = [...clauseById.keys()].filter((id) => !covered.has(id as never));
    assert.deepEqual(missing, [], `clauses no defect breaks: ${missing.join(', ')}`);
  });

  test('the README table lists every defect with its clauses', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    // Rows as trimmed cells, so Prettier's column padding does not matter.
    const rows = new Set(
      readme
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) =>
          line
            .split('|')
            .slice(1, -1)
            .map((cell) => cell.trim())
            .join(' | '),
        ),
    );
    for (const d of [...DEFECTS, ...INTERMITTENT_DEFECTS]) {
      const row = [`\`${d.name}\``, d.clauses.map((c) => `\`${c}\``).join(', '), d.description].join(' | ');
      assert.ok(rows.has(row), `README row missing or stale: ${row}`);
    }
  });

  test('the healthy service breaks no clause', async () => {
    assert.deepEqual([...(await clauseViolations())].sort(), []);
  });

  for (const defect of DEFECTS) {
    test(`${defect.name} breaks exactly ${defect.clauses.join(' + ')}`, async () => {
      const broken = [...(await clauseViolations(defect))].sort();
      assert.deepEqual(broken, [...defect.clauses].sort(), `${defect.name}: ${defect.description}`);
    });
  }
});
