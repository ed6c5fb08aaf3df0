// fast-check arbitraries for login request bodies, derived from the request schema in the pinned spec (never a
// hand-copied shape): bodies that violate it in every way the schema allows (missing, extra, mistyped, nested
// values, unicode, long strings, non-objects, raw JSON edge cases) and valid-shaped bodies with random credentials.
import fc from 'fast-check';

/** The JSON-schema subset a request schema uses here: an object of typed properties. */
export interface ObjectSchema {
  readonly type?: unknown;
  readonly properties?: Readonly<Record<string, { readonly type?: unknown; readonly maxLength?: number }>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: unknown;
}

export interface GeneratedBody {
  /** How the body breaks (or keeps) the schema, for the report. */
  readonly kind: string;
  /** Exactly the bytes to send (JSON text, or deliberately not JSON). */
  readonly text: string;
}

const jsonTypes = ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'] as const;
type JsonType = (typeof jsonTypes)[number];

/** Strings that stress parsers and logs: unicode of every plane, controls, very long runs. */
const nastyString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e',
    '💥',
    'é',
    '\ud83d',
    "' OR 1=1 --",
    '<script>',
    '${jndi:x}',
    '../../etc/passwd',
  ),
  fc.nat({ max: 4000 }).map((n) => 'x'.repeat(n)),
);

function valueOfType(type: JsonType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return nastyString;
    case 'integer':
      return fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31, -(2 ** 53), Number.MAX_SAFE_INTEGER));
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'object':
      return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
    case 'array':
      return fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 });
  }
}

function typesOf(schema: { readonly type?: unknown }): JsonType[] {
  const declared = Array.isArray(schema.type) ? schema.type : [schema.type];
  const types = declared.filter((t): t is JsonType => (jsonTypes as readonly string[]).includes(String(t)));
  // An integer is also a number in JSON Schema, and a number may be an integer.
  if (types.includes('number')) types.push('integer');
  return types;
}

/** A value of any JSON type the property schema does not allow. */
function wrongValueFor(schema: { readonly type?: unknown }): fc.Arbitrary<unknown> {
  const allowed = typesOf(schema);
  const wrong = jsonTypes.filter((t) => !allowed.includes(t) && !(t === 'number' && allowed.includes('integer')));
  return fc.oneof(...wrong.map(valueOfType));
}

function validValueFor(schema: { readonly type?: unknown; readonly maxLength?: number }): fc.Arbitrary<unknown> {
  const type = typesOf(schema)[0];
  if (type === 'string') {
    // Bounded so that valid-shaped bodies stay under any sane body-size limit (a size refusal is a different case).
    return fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 60 }),
      fc.emailAddress(),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
  }
  return type === undefined ? fc.jsonValue({ maxDepth: 2 }) : valueOfType(type);
}

function schemaParts(schema: ObjectSchema): {
  props: [string, { readonly type?: unknown }][];
  required: string[];
  closed: boolean;
} {
  if (schema.type !== 'object' || schema.properties === undefined) {
    throw new Error('the request schema is not an object with properties: the generators need one');
  }
  return {
    props: Object.entries(schema.properties),
    required: [...(schema.required ?? [])],
    closed: schema.additionalProperties === false,
  };
}

/** Objects that satisfy the schema (every property, valid types), with random values. */
export function validShapedBodies(schema: ObjectSchema): fc.Arbitrary<Record<string, unknown>> {
  const { props } = schemaParts(schema);
  return fc.record(
    Object.fromEntries(props.map(([name, s]) => [name, validValueFor(s)])) as Record<string, fc.Arbitrary<unknown>>,
  );
}

/** Bodies that violate the schema, each labelled with how. */
export function invalidBodies(schema: ObjectSchema): fc.Arbitrary<GeneratedBody> {
  const { props, required, closed } = schemaParts(schema);
  const valid = validShapedBodies(schema);
  const json =
    (kind: string) =>
    (value: unknown): GeneratedBody => ({ kind, text: JSON.stringify(value) });
  const variants: fc.Arbitrary<GeneratedBody>[] = [];

  if (required.length > 0) {
    variants.push(
      fc
        .tuple(valid, fc.subarray(required, { minLength: 1 }))
        .map(([body, drop]) =>
          json(`missing ${drop.join(', ')}`)(
            Object.fromEntries(Object.entries(body).filter(([k]) => !drop.includes(k))),
          ),
        ),
    );
  }
  for (const [name, propSchema] of props) {
    variants.push(
      fc
        .tuple(valid, wrongValueFor(propSchema))
        .map(([body, value]) => json(`${name} of a wrong type`)({ ...body, [name]: value })),
    );
  }
  if (closed) {
    const known = new Set(props.map(([n]) => n));
    const extraName = fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'Password', 'identifier ', 'remember'),
    );
    variants.push(
      fc
        .tuple(
          valid,
          extraName.filter((n) => !known.has(n)),
          fc.jsonValue({ maxDepth: 3 }),
        )
        .map(([body, key, value]) => ({
          kind: 'an extra property',
          text: JSON.stringify(body).replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'},`),
        })),
    );
  }
  variants.push(
    fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => typeof v !== 'object' || v === null || Array.isArray(v))
      .map(json('not a JSON object')),
    fc.tuple(valid, fc.constantFrom(...props.map(([n]) => n))).map(([body, key]) => ({
      kind: `duplicate key ${key}`,
      text: JSON.stringify(body).replace(/\}$/, `,${JSON.stringify(key)}:${JSON.stringify(body[key]) ?? 'null'}}`),
    })),
    fc
      .tuple(valid, fc.constantFrom('trailing comma', 'truncated', 'single quotes', 'comment', 'NaN', 'bare word'))
      .map(([body, how]) => {
        const text = JSON.stringify(body);
        const broken: Record<string, string> = {
          'trailing comma': text.replace(/\}$/, ',}'),
          truncated: text.slice(0, Math.max(1, text.length - 2)),
          'single quotes': text.replace(/"/g, "'"),
          comment: text.replace(/^\{/, '{/* c */'),
          NaN: text.replace(/^\{/, '{"n":NaN,'),
          'bare word': `${text} trailing`,
        };
        return { kind: `malformed JSON (${how})`, text: broken[how] ?? text };
      }),
  );
  return fc.oneof(...variants);
}
