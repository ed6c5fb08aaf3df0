import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError } from '../index.ts';
import { loadContractLimits } from '../limits.ts';

const dir = mkdtempSync(join(tmpdir(), 'limits-test-'));
const valid = {
  fieldBytes: [1024, 8192],
  nearLimitBodyBytes: 16368,
  longPasswordTimeFactor: 4,
  longPasswordSlackMs: 250,
};

function file(content: unknown): string {
  const path = join(dir, `limits-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function expectError(content: unknown, pattern: RegExp): void {
  assert.throws(
    () => loadContractLimits(file(content)),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /\n/, 'one line');
      return true;
    },
  );
}

test('the shipped file loads: 1 KiB and 8 KiB fields, a body just under 16 KiB, factor 4 + 250 ms', () => {
  assert.deepEqual(loadContractLimits(), valid);
});

test('every problem is one line naming the key', () => {
  expectError('{', /is not valid JSON/);
  expectError([], /must be a JSON object/);
  expectError({ ...valid, extra: 1 }, /unexpected key "extra"/);
  expectError(
    { ...valid, longPasswordTimeFactor: 0.5 },
    /longPasswordTimeFactor must be a number from 1 to 1000, got 0.5/,
  );
  expectError({ ...valid, longPasswordSlackMs: '250' }, /longPasswordSlackMs must be a number/);
  expectError({ ...valid, nearLimitBodyBytes: 1.5 }, /nearLimitBodyBytes must be a whole number/);
  expectError({ ...valid, fieldBytes: [1024, 20000] }, /fieldBytes must be an array of whole numbers from 1 to/);
  assert.throws(() => loadContractLimits(join(dir, 'missing.json')), /does not exist/);
});
