// Where in a JSON body a problem is, written the one way both the contract suite and the load checks print it:
// `$.session.devices[0].ip_address`. k6-safe (no Node import): the load scripts use it under load.

/** The segments of a JSON Pointer (Ajv's instancePath: `/session/devices/0`), unescaped (RFC 6901: ~1 is /, ~0 ~). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** `$.session.devices[0].ip_address`: names as dotted members, indexes in brackets, anything else quoted. */
export function jsonPath(segments: readonly string[]): string {
  return segments.reduce(
    (acc, s) =>
      /^\d+$/.test(s) ? `${acc}[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `${acc}.${s}` : `${acc}[${JSON.stringify(s)}]`,
    '$',
  );
}
