// Compiles the pinned spec's response schemas of one operation into plain JavaScript that k6 can import: Ajv's
// standalone code generation, with the same Ajv options and OpenAPI vocabulary as the contract validator (so the load
// run judges bodies exactly as the contract suite does) and the string formats inlined from `k6Formats` below (k6 has
// no `require`, so the ajv-formats runtime cannot come along). The output is committed as
// load/lib/login-response-validator.js (+ .d.ts); contract/test/load-validator.test.ts fails when it is stale, and
// holds the inlined formats and the generated code equal to the contract validator on a corpus of bodies.
import { relative } from 'node:path';
import { Ajv } from 'ajv';
import type { Format } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { _ } from 'ajv/dist/compile/codegen/index.js';
import { repoRoot } from '../../config/index.ts';
import { UserError } from '../../core/errors.ts';
import { loginOperationId } from '../checks/documented.ts';
import type { LoadedSpec } from './spec.ts';
import { ajvOptions, openApiVocabulary, ResponseValidator, SPEC_ID } from './validator.ts';

// ajv/dist/standalone is CommonJS whose default export is the function; under NodeNext the namespace shape differs.
const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as (
  ajv: Ajv,
  refs: Record<string, string>,
) => string;

/**
 * The string formats the load side can check, as JavaScript source (it is inlined into the generated file and
 * evaluated here for the compile). Written to accept exactly what ajv-formats' "full" formats accept for these names;
 * the load-validator test compares them with ajv-formats on a corpus. A schema with any other format fails the
 * generation with one line, instead of a validator that silently skips it.
 */
export const k6FormatsSource = String.raw`const formats = {
  // RFC 3339 date-time, as ajv-formats reads it: "T", "t" or a space between date and time, a time zone required
  // ("Z" or +hh:mm, the colon optional), a leap second only where it falls at 23:59:60 UTC.
  "date-time": {
    type: "string",
    validate: function (text) {
      const parts = text.split(/t|\s/i);
      if (parts.length !== 2) return false;
      const date = /^(\d\d\d\d)-(\d\d)-(\d\d)$/.exec(parts[0]);
      if (date === null) return false;
      const year = +date[1], month = +date[2], day = +date[3];
      const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
      const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
      if (days === undefined || day < 1 || day > days) return false;
      const time = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)$/i.exec(parts[1]);
      if (time === null) return false;
      const hour = +time[1], minute = +time[2], second = +time[3];
      const sign = time[5] === "-" ? -1 : 1, zoneHour = +(time[6] || 0), zoneMinute = +(time[7] || 0);
      if (zoneHour > 23 || zoneMinute > 59) return false;
      if (hour <= 23 && minute <= 59 && second < 60) return true;
      const utcMinute = minute - zoneMinute * sign;
      const utcHour = hour - zoneHour * sign - (utcMinute < 0 ? 1 : 0);
      return (utcHour === 23 || utcHour === -1) && (utcMinute === 59 || utcMinute === -1) && second < 61;
    },
  },
  int32: {
    type: "number",
    validate: function (value) {
      return Number.isInteger(value) && value <= 2147483647 && value >= -2147483648;
    },
  },
  int64: {
    type: "number",
    validate: function (value) {
      return Number.isInteger(value);
    },
  },
};`;

export function k6Formats(): Record<string, Format> {
  return new Function(`${k6FormatsSource}\nreturn formats;`)() as Record<string, Format>;
}

export interface GeneratedValidator {
  readonly js: string;
  readonly dts: string;
}

export const generatedJsPath = 'load/lib/login-response-validator.js';
export const generatedDtsPath = 'load/lib/login-response-validator.d.ts';
export const generateCommand = 'npm run generate:load-validator';

/** The generated module's text (deterministic: the same spec bytes give the same file). */
export function generateLoadValidator(spec: LoadedSpec, operationId = loginOperationId): GeneratedValidator {
  const contract = new ResponseValidator(spec);
  const responses = contract.responseSchemaPointers(operationId);
  if (responses.length === 0) throw new UserError(`${spec.path}: ${operationId} documents no response schema`);
  const formats = k6Formats();
  const ajv = new Ajv({
    ...ajvOptions,
    code: { source: true, esm: true, lines: true, formats: _`formats` },
    // Not false: then Ajv would skip an unknown format with a warning; "log" makes it throw (caught below) while other
    // strict-mode notes about OpenAPI documents stay quiet.
    strictSchema: 'log',
  });
  ajv.addVocabulary(openApiVocabulary);
  for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format);
  ajv.addSchema(structuredClone(spec.doc) as object, SPEC_ID);
  // One export per distinct schema: responses that $ref the same one (400, 401, 502 -> AuthError) share it, and Ajv
  // would otherwise emit the same function once per name.
  const refs: Record<string, string> = {};
  const names = new Map<string, string>();
  const table = responses.map((r) => {
    let name = names.get(r.pointer);
    if (name === undefined) {
      name = `schema${names.size}`;
      names.set(r.pointer, name);
      refs[name] = `${SPEC_ID}#${r.pointer}`;
    }
    return `  { status: ${JSON.stringify(r.status)}, mediaType: ${JSON.stringify(r.mediaType)}, validate: ${name} },`;
  });
  let code: string;
  try {
    code = standaloneCode(ajv, refs).replace(/^"use strict";/, '');
  } catch (error) {
    // A format the load side cannot check must stop the generation, not be skipped.
    const format = /unknown format "([^"]+)"/.exec(String(error))?.[1];
    if (format === undefined) throw error;
    throw new UserError(
      `${spec.path}: format "${format}" has no load-side implementation: add it to k6FormatsSource in contract/validator/standalone.ts`,
    );
  }
  const source = relative(repoRoot, spec.path).split('\\').join('/');
  const js = [
    `// GENERATED by \`${generateCommand}\` (contract/validator/standalone.ts) from ${source}: do not edit.`,
    `// ${spec.title} ${spec.version}, sha256 ${spec.sha256}; contract/test/load-validator.test.ts fails when stale.`,
    '/* eslint-disable */',
    k6FormatsSource,
    code.trim(),
    '',
    `export const pinnedSpec = ${JSON.stringify({ title: spec.title, version: spec.version, sha256: spec.sha256, operationId })};`,
    '',
    '/** One entry per documented (status, media type) of the operation, in document order. */',
    'export const responseSchemas = [',
    ...table,
    '];',
    '',
  ].join('\n');
  return { js, dts: dtsText };
}

const dtsText = `// GENERATED by \`${generateCommand}\`: the types of login-response-validator.js.
export interface SchemaError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: { readonly [key: string]: unknown };
}
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}
export declare const pinnedSpec: {
  readonly title: string;
  readonly version: string;
  readonly sha256: string;
  readonly operationId: string;
};
export declare const responseSchemas: readonly {
  readonly status: string;
  readonly mediaType: string;
  readonly validate: SchemaValidator;
}[];
`;
