// The clause policy: what a failed contract clause does to the verdict — `gate` (fails the run and the release
// gate), `advisory` (reported everywhere a failure is, never fails) or `off` (not checked). Data, like the SLOs:
// config/contract-policy.json, replaced by CONTRACT_POLICY_FILE, then CONTRACT_POLICY entries on top. This module
// knows nothing of the clause catalog (config/ is the bottom layer): the contract passes its clauses in, so an
// unknown id or kind is caught here with one line.
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, repoRoot } from './index.ts';

export const verdicts = ['gate', 'advisory', 'off'] as const;
export type Verdict = (typeof verdicts)[number];

export const defaultPolicyFile = join(repoRoot, 'config', 'contract-policy.json');

export interface ClauseRef {
  readonly id: string;
  readonly kind: string;
}

export interface ContractPolicy {
  /** Verdict per clause id, every clause of the catalog present. */
  readonly byClause: ReadonlyMap<string, Verdict>;
  /** Where it came from, for reports: the file and the overrides. */
  readonly source: string;
}

interface PolicyDocument {
  readonly kinds: Record<string, Verdict>;
  readonly clauses: Record<string, Verdict>;
}

/** The policy for a catalog of clauses, from the file (or CONTRACT_POLICY_FILE) and CONTRACT_POLICY. */
export function loadContractPolicy(
  catalog: readonly ClauseRef[],
  env: { readonly CONTRACT_POLICY_FILE?: string | undefined; readonly CONTRACT_POLICY?: string | undefined },
): ContractPolicy {
  const fileSetting = env.CONTRACT_POLICY_FILE?.trim() || undefined;
  const file =
    fileSetting === undefined
      ? defaultPolicyFile
      : isAbsolute(fileSetting)
        ? fileSetting
        : resolve(repoRoot, fileSetting);
  const what = fileSetting === undefined ? file : `CONTRACT_POLICY_FILE=${fileSetting}`;
  const document = readPolicyFile(file, what);
  const kinds = new Set(catalog.map((c) => c.kind));
  const ids = new Set(catalog.map((c) => c.id));
  const check = (key: string, where: string, asKind: boolean): void => {
    if (asKind ? !kinds.has(key) : !ids.has(key)) {
      throw new ConfigError(
        `${where}: "${key}" is not a clause ${asKind ? 'kind' : 'id'} (${asKind ? `kinds: ${[...kinds].join(', ')}` : 'ids are listed in contract/clauses.ts'})`,
      );
    }
  };
  for (const kind of Object.keys(document.kinds)) check(kind, what, true);
  for (const id of Object.keys(document.clauses)) check(id, what, false);

  const kindOverrides: Record<string, Verdict> = {};
  const clauseOverrides: Record<string, Verdict> = {};
  const overrides = env.CONTRACT_POLICY?.trim() ?? '';
  for (const entry of overrides
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const match = /^([A-Za-z0-9-]+)\s*=\s*([a-z]+)$/.exec(entry);
    if (!match) {
      throw new ConfigError(
        `CONTRACT_POLICY entry "${entry}" is invalid: expected CLAUSE-ID=verdict or kind=verdict, e.g. DUPLICATE-KEYS=gate`,
      );
    }
    const [, key = '', verdict = ''] = match;
    const value = asVerdict(verdict, `CONTRACT_POLICY entry "${entry}"`);
    if (kinds.has(key)) kindOverrides[key] = value;
    else {
      check(key, `CONTRACT_POLICY entry "${entry}"`, false);
      clauseOverrides[key] = value;
    }
  }

  const byClause = new Map<string, Verdict>();
  for (const clause of catalog) {
    // Most specific wins: an overridden clause, a clause in the file, an overridden kind, the kind in the file.
    byClause.set(
      clause.id,
      clauseOverrides[clause.id] ??
        document.clauses[clause.id] ??
        kindOverrides[clause.kind] ??
        document.kinds[clause.kind] ??
        'gate',
    );
  }
  const source = [fileSetting === undefined ? 'config/contract-policy.json' : `CONTRACT_POLICY_FILE=${fileSetting}`]
    .concat(overrides === '' ? [] : [`CONTRACT_POLICY=${overrides}`])
    .join(' + ');
  return { byClause, source };
}

function readPolicyFile(path: string, what: string): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code !== undefined ? `cannot be read (${code})` : 'is not valid JSON';
    throw new ConfigError(`${what} ${why}: expected a JSON file like config/contract-policy.json`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${what} must be a JSON object with "kinds" and "clauses" (see config/contract-policy.json)`);
  }
  const record = raw as Record<string, unknown>;
  const section = (name: 'kinds' | 'clauses'): Record<string, Verdict> => {
    const value = record[name] ?? {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ConfigError(`${what}: "${name}" must be an object of name: verdict (gate, advisory, off)`);
    }
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, asVerdict(v, `${what}: ${name}.${k}`)]),
    );
  };
  for (const key of Object.keys(record)) {
    if (key !== 'kinds' && key !== 'clauses' && key !== '$comment') {
      throw new ConfigError(`${what}: unexpected key "${key}" (allowed: kinds, clauses, $comment)`);
    }
  }
  return { kinds: section('kinds'), clauses: section('clauses') };
}

function asVerdict(value: unknown, where: string): Verdict {
  if (typeof value === 'string' && (verdicts as readonly string[]).includes(value)) return value as Verdict;
  throw new ConfigError(`${where}: ${JSON.stringify(value)} is not a verdict; use one of ${verdicts.join(', ')}`);
}
