// Searches every file under a folder (reports/output after a suite run) for secret strings — test passwords, tokens
// issued during the run — in their raw, URL-encoded and JSON-escaped forms. Reports where, never the secret itself.
// Gzip files (a run's metrics.ndjson.gz, the history tarballs) are searched decompressed: their compressed bytes would
// hide a secret. Each file is held whole; the suite's own runs are smoke-sized.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface SecretHit {
  file: string;
  /** Index of the secret in the list given (the secret itself is never echoed). */
  secretIndex: number;
  form: 'raw' | 'url-encoded' | 'json-escaped' | 'base64';
  count: number;
}

export interface ScanResult {
  filesScanned: number;
  bytesScanned: number;
  hits: SecretHit[];
}

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

function countOf(haystack: Buffer, needle: Buffer): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length)) n += 1;
  return n;
}

/** Secrets shorter than 6 characters would match by chance and are refused. */
export function scanForSecrets(root: string, secrets: readonly string[]): ScanResult {
  secrets.forEach((s, i) => {
    if (s.length < 6)
      throw new Error(`secret #${i} is shorter than 6 characters: too short to search for meaningfully`);
  });
  const forms = secrets.map((s) => {
    const variants: [SecretHit['form'], string][] = [
      ['raw', s],
      ['url-encoded', encodeURIComponent(s)],
      ['json-escaped', JSON.stringify(s).slice(1, -1)],
      ['base64', Buffer.from(s).toString('base64').replace(/=+$/, '')],
    ];
    // Forms equal to the raw string would count the same bytes twice.
    return variants
      .filter(([form, v], i) => i === 0 || (v !== s && form !== 'raw'))
      .map(([form, v]) => [form, Buffer.from(v)] as const);
  });
  const result: ScanResult = { filesScanned: 0, bytesScanned: 0, hits: [] };
  for (const file of filesUnder(root)) {
    const raw = readFileSync(file);
    const content = file.endsWith('.gz') ? gunzipSync(raw) : raw;
    result.filesScanned += 1;
    result.bytesScanned += content.length;
    forms.forEach((variants, secretIndex) => {
      for (const [form, needle] of variants) {
        const count = countOf(content, needle);
        if (count > 0) result.hits.push({ file, secretIndex, form, count });
      }
    });
  }
  return result;
}
