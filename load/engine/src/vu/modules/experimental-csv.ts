// k6/experimental/csv: csv.parse(file, options) resolves to a frozen array of every record, and csv.Parser(file,
// options).next() to {done, value} one record at a time, per k6's documentation. `file` is a File from
// k6/experimental/fs. RFC 4180 fields: quoted fields may hold the delimiter, line breaks and doubled quotes.
import { Error, Math, Number, Object, Promise, String } from '../sandbox-builtins.ts';
import type { Dict } from '../vu-state.ts';
import { FsFile } from './experimental-fs.ts';

interface CsvOptions {
  delimiter: string;
  asObjects: boolean;
  skipFirstLine: boolean;
  fromLine: number;
  toLine: number;
}

function readOptions(o: unknown, what: string): CsvOptions {
  const d = (o ?? {}) as Dict;
  const delimiter = d['delimiter'] === undefined ? ',' : String(d['delimiter']);
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n') {
    throw new Error(`${what}: delimiter must be one character other than a quote or a line break`);
  }
  const line = (k: string, dflt: number): number => {
    if (d[k] === undefined) return dflt;
    const v = Number(d[k]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`${what}: ${k} must be a whole number >= 0`);
    return v;
  };
  return {
    delimiter,
    asObjects: d['asObjects'] === true,
    skipFirstLine: d['skipFirstLine'] === true,
    fromLine: line('fromLine', 0),
    toLine: line('toLine', Infinity),
  };
}

/** Every record of the text, each an array of fields. */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The records the options select: lines fromLine..toLine (0-based, inclusive), as arrays or header-keyed objects. */
function records(file: unknown, options: unknown, what: string): unknown[] {
  const text = FsFile.textOf(file);
  if (text === null) throw new Error(`${what}: the first argument must be a File from k6/experimental/fs's open()`);
  const o = readOptions(options, what);
  const all = parseCsv(text, o.delimiter);
  const header = o.asObjects ? (all[0] ?? []) : null;
  const first = Math.max(o.fromLine, o.skipFirstLine || header ? 1 : 0);
  const rows = all.slice(first, o.toLine === Infinity ? undefined : o.toLine + 1);
  if (header === null) return rows;
  return rows.map((r) => {
    const obj: Dict = {};
    header.forEach((name, i) => (obj[name] = r[i] ?? ''));
    return obj;
  });
}

export function createCsvModule(): Dict {
  function parse(file: unknown, options?: unknown): Promise<readonly unknown[]> {
    try {
      // Frozen like k6's SharedArray, which csv.parse returns.
      return Promise.resolve(Object.freeze(records(file, options, 'csv.parse').map((r) => Object.freeze(r))));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  class Parser {
    #rows: unknown[];
    #next = 0;
    constructor(file: unknown, options?: unknown) {
      this.#rows = records(file, options, 'csv.Parser');
    }
    next(): Promise<{ done: boolean; value: unknown }> {
      if (this.#next >= this.#rows.length) return Promise.resolve({ done: true, value: undefined });
      return Promise.resolve({ done: false, value: this.#rows[this.#next++] });
    }
  }

  return { parse, Parser };
}
