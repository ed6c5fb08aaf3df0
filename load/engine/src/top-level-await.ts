// Top-level await in a k6 script (k6 runs ES modules, so `const file = await open('data.csv')` at the top is
// allowed). esbuild cannot emit top-level await as CommonJS, which is how the engine evaluates a script, so such a
// script is bundled as an ES module and turned here into the body of the same module function: the k6 imports become
// require() calls, the body runs inside an async function (the module function returns its promise, which the VU
// awaits before the init context ends), and the export clause at the end fills `exports`. Line numbers are kept (the
// source map still points at the script's lines).

/** `import a, { b as c } from "k6/x";` (esbuild's own output, one line each) as const declarations. */
function importLine(line: string): string | null {
  const bare = /^import\s+"([^"]+)";$/.exec(line);
  if (bare) return `require(${JSON.stringify(bare[1])});`;
  const m = /^import\s+(.+?)\s+from\s+"([^"]+)";$/.exec(line);
  if (!m) return null;
  const req = `require(${JSON.stringify(m[2])})`;
  const out: string[] = [];
  let clause = m[1]!.trim();
  const ns = /^\*\s+as\s+([\w$]+)$/.exec(clause);
  if (ns) return `const ${ns[1]} = ${req};`;
  const def = /^([\w$]+)\s*(?:,\s*(.*))?$/.exec(clause);
  if (def) {
    out.push(`const ${def[1]} = ${req}.default;`);
    clause = (def[2] ?? '').trim();
  }
  const named = /^\{([^}]*)\}$/.exec(clause);
  if (named) {
    const bindings = named[1]!
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== '')
      .map((b) => b.replace(/^([\w$]+)\s+as\s+([\w$]+)$/, '$1: $2'));
    out.push(`const { ${bindings.join(', ')} } = ${req};`);
  } else if (clause !== '') return null;
  return out.join(' ');
}

/** esbuild ESM bundle → body of `function (exports, require, module)` returning the module's evaluation promise. */
export function esmToAsyncModuleBody(code: string): string {
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('import ')) {
      const converted = importLine(line);
      if (converted === null) throw new Error(`cannot convert the bundled import "${line}" (top-level await)`);
      lines[i] = converted;
    } else if (line.trim() !== '' && !line.startsWith('//')) break;
  }
  let body = lines.join('\n');
  const exportClause = /\nexport\s*\{([^}]*)\};?\s*$/.exec(body);
  let assignments = '';
  if (exportClause) {
    body = body.slice(0, exportClause.index);
    assignments = exportClause[1]!
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '')
      .map((e) => {
        const [local, exported] = e.split(/\s+as\s+/);
        return `exports[${JSON.stringify(exported ?? local)}] = ${local};`;
      })
      .join(' ');
  }
  return `return (async () => {${body}\n${assignments}\n})();`;
}
