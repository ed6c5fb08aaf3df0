// The contract's long-input limits as data (config/contract-limits.json): the sizes of the identifier and password
// probes and the bound on what a long password may cost. One owner: the file's shape is checked here, and every
// problem is a ConfigError of one line naming the key and what is expected.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, repoRoot } from './index.ts';

export const defaultLimitsFile = join(repoRoot, 'config', 'contract-limits.json');

export interface ContractLimits {
  /** Identifier and password lengths (bytes) tried besides the near-limit one. */
  readonly fieldBytes: readonly number[];
  /** Size of the whole JSON body of the largest probe. */
  readonly nearLimitBodyBytes: number;
  /** A near-limit password is answered within factor x the median normal wrong-password answer + slack. */
  readonly longPasswordTimeFactor: number;
  readonly longPasswordSlackMs: number;
}

const keys = ['fieldBytes', 'nearLimitBodyBytes', 'longPasswordTimeFactor', 'longPasswordSlackMs'] as const;

/** Reads and checks the limits file (default config/contract-limits.json). */
export function loadContractLimits(path: string = defaultLimitsFile): ContractLimits {
  const what = path === defaultLimitsFile ? 'config/contract-limits.json' : path;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `${what} ${code === 'ENOENT' ? 'does not exist' : code !== undefined ? `cannot be read (${code})` : 'is not valid JSON'}`,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${what} must be a JSON object with ${keys.join(', ')}`);
  }
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key !== '$comment' && !(keys as readonly string[]).includes(key)) {
      throw new ConfigError(`${what}: unexpected key "${key}" (allowed: ${keys.join(', ')}, $comment)`);
    }
  }
  const number = (key: (typeof keys)[number], min: number, max: number, whole: boolean): number => {
    const value = record[key];
    if (typeof value !== 'number' || !(value >= min && value <= max) || (whole && !Number.isInteger(value))) {
      throw new ConfigError(
        `${what}: ${key} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(value) ?? 'nothing'}`,
      );
    }
    return value;
  };
  const nearLimitBodyBytes = number('nearLimitBodyBytes', 256, 1024 * 1024, true);
  const sizes = record.fieldBytes;
  if (
    !Array.isArray(sizes) ||
    !sizes.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 1 && s < nearLimitBodyBytes - 128)
  ) {
    throw new ConfigError(
      `${what}: fieldBytes must be an array of whole numbers from 1 to nearLimitBodyBytes - 128 (${nearLimitBodyBytes - 128}), got ${JSON.stringify(sizes) ?? 'nothing'}`,
    );
  }
  return {
    fieldBytes: sizes as number[],
    nearLimitBodyBytes,
    longPasswordTimeFactor: number('longPasswordTimeFactor', 1, 1000, false),
    longPasswordSlackMs: number('longPasswordSlackMs', 0, 60_000, false),
  };
}
