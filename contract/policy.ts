// The contract side of the clause policy (config/policy.ts owns the file format): the verdict of each clause for this
// run, and what a check's result means under it. One place decides, so the matcher, the generated tests, the
// self-test and the reports all agree on what is a violation and what is an advisory.
import { loadConfig } from '../config/index.ts';
import type { SuiteConfig } from '../config/index.ts';
import { loadContractPolicy } from '../config/policy.ts';
import type { ContractPolicy, Verdict } from '../config/policy.ts';
import { clauses } from './clauses.ts';
import type { CheckResult } from './checks/result.ts';

export type { Verdict } from '../config/policy.ts';

/** Annotation type of an advisory finding (description: the clause-tagged failure text). */
export const advisoryAnnotation = 'advisory';

export function policyFor(config: SuiteConfig): ContractPolicy {
  return loadContractPolicy(clauses, {
    CONTRACT_POLICY_FILE: config.contractPolicy.file,
    CONTRACT_POLICY: config.contractPolicy.overrides,
  });
}

let cached: ContractPolicy | undefined;

/** This process's policy, read once (a bad policy is a ConfigError the entry points report in one line). */
export function contractPolicy(): ContractPolicy {
  cached ??= policyFor(loadConfig());
  return cached;
}

export function verdictOf(clause: string, policy: ContractPolicy = contractPolicy()): Verdict {
  return policy.byClause.get(clause) ?? 'gate';
}

/**
 * What a check's result means for the run: `held` (no problem), `violation` (fails the test), `advisory` (reported,
 * does not fail) or `ignored` (the clause is off).
 */
export function judge(
  result: CheckResult,
  policy: ContractPolicy = contractPolicy(),
): 'held' | 'violation' | 'advisory' | 'ignored' {
  if (result.problems.length === 0) return 'held';
  const verdict = verdictOf(result.clause, policy);
  return verdict === 'gate' ? 'violation' : verdict === 'advisory' ? 'advisory' : 'ignored';
}
