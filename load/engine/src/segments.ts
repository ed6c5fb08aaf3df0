// Execution segments (k6 --execution-segment / --execution-segment-sequence): split one test between instances so
// that the instances together run exactly the single-instance test. Every countable unit (VU, iteration of an
// arrival-rate schedule, shared iteration) has a global index; a fixed, deterministic pattern assigns each index to
// one segment of the sequence, interleaved evenly (smooth weighted round robin over the segment lengths). Every
// instance computes the same pattern, so the parts never overlap and always sum to the whole.
import { invalidConfig } from './errors.ts';

interface Fraction {
  n: number;
  d: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

function fraction(text: string, what: string): Fraction {
  const t = text.trim();
  let f: Fraction | undefined;
  if (/^\d+\/\d+$/.test(t)) {
    const [n, d] = t.split('/').map(Number) as [number, number];
    f = { n, d };
  } else if (/^\d+(\.\d+)?%$/.test(t)) {
    f = decimal(Number(t.slice(0, -1)) / 100);
  } else if (/^\d+(\.\d+)?$/.test(t)) {
    f = decimal(Number(t));
  }
  if (!f || f.d === 0 || f.n > f.d)
    throw invalidConfig(`${what}: "${text}" is not a fraction between 0 and 1 (e.g. 1/4, 0.25, 25%)`);
  const g = gcd(f.n, f.d) || 1;
  return { n: f.n / g, d: f.d / g };
}

function decimal(x: number): Fraction {
  const d = 1_000_000;
  return { n: Math.round(x * d), d };
}

const cmp = (a: Fraction, b: Fraction): number => a.n * b.d - b.n * a.d;

export class ExecutionSegment {
  /** Segment index inside the sequence, pattern over one cycle, and the positions this segment owns in a cycle. */
  private readonly owned: number[];
  private readonly cycle: number;
  readonly label: string;

  constructor(segmentText: string | undefined, sequenceText: string | undefined) {
    const seg = parseSegment(segmentText);
    let points: Fraction[];
    if (sequenceText !== undefined && sequenceText.trim() !== '') {
      points = sequenceText.split(',').map((p) => fraction(p, '--execution-segment-sequence'));
      for (let i = 1; i < points.length; i++) {
        if (cmp(points[i]!, points[i - 1]!) <= 0) {
          throw invalidConfig(`--execution-segment-sequence "${sequenceText}" must be increasing values from 0 to 1`);
        }
      }
      if (points[0]!.n !== 0) points.unshift({ n: 0, d: 1 });
      if (cmp(points[points.length - 1]!, { n: 1, d: 1 }) !== 0) points.push({ n: 1, d: 1 });
    } else {
      points = [{ n: 0, d: 1 }, seg.from, seg.to, { n: 1, d: 1 }].filter(
        (p, i, all) => i === 0 || cmp(p, all[i - 1]!) !== 0,
      );
    }
    const index = points.findIndex(
      (p, i) => i + 1 < points.length && cmp(p, seg.from) === 0 && cmp(points[i + 1]!, seg.to) === 0,
    );
    if (index < 0) {
      throw invalidConfig(
        `--execution-segment ${segmentText ?? '0:1'} is not one of the segments of --execution-segment-sequence ${sequenceText ?? ''}`,
      );
    }
    const lcd = points.reduce((acc, p) => (acc * p.d) / gcd(acc, p.d), 1);
    if (lcd > 100_000)
      throw invalidConfig('execution segments: denominators too large (use simple fractions like 1/4)');
    const weights = points.slice(1).map((p, i) => (p.n * lcd) / p.d - (points[i]!.n * lcd) / points[i]!.d);
    const currents = weights.map(() => 0);
    const pattern: number[] = [];
    for (let j = 0; j < lcd; j++) {
      let best = 0;
      for (let k = 0; k < weights.length; k++) {
        currents[k]! += weights[k]!;
        if (currents[k]! > currents[best]!) best = k;
      }
      currents[best]! -= lcd;
      pattern.push(best);
    }
    this.cycle = lcd;
    this.owned = pattern.flatMap((s, j) => (s === index ? [j] : []));
    this.label = `${fmt(seg.from)}:${fmt(seg.to)}`;
  }

  get isFull(): boolean {
    return this.owned.length === this.cycle;
  }

  /** Does this instance own global unit `j`? */
  owns(j: number): boolean {
    if (this.isFull) return true;
    const r = j % this.cycle;
    return this.owned.includes(r);
  }

  /** How many of the global units [0, n) this instance owns. */
  countBelow(n: number): number {
    if (this.isFull) return n;
    const full = Math.floor(n / this.cycle) * this.owned.length;
    const rest = n % this.cycle;
    return full + this.owned.filter((p) => p < rest).length;
  }

  /** Owned units in [from, to). */
  countIn(from: number, to: number): number {
    return this.countBelow(to) - this.countBelow(from);
  }

  /** Global index of this instance's k-th owned unit (k from 0). */
  globalIndex(k: number): number {
    if (this.isFull) return k;
    if (this.owned.length === 0) return -1;
    return Math.floor(k / this.owned.length) * this.cycle + this.owned[k % this.owned.length]!;
  }

  /** Global indices owned in [from, to), ascending. */
  ownedIn(from: number, to: number): number[] {
    const out: number[] = [];
    for (let k = this.countBelow(from); ; k++) {
      const g = this.globalIndex(k);
      if (g < 0 || g >= to) break;
      out.push(g);
    }
    return out;
  }
}

function fmt(f: Fraction): string {
  return f.n === 0 ? '0' : f.n === f.d ? '1' : `${f.n}/${f.d}`;
}

function parseSegment(text: string | undefined): { from: Fraction; to: Fraction } {
  if (text === undefined || text.trim() === '') return { from: { n: 0, d: 1 }, to: { n: 1, d: 1 } };
  const parts = text.split(':');
  if (parts.length > 2) throw invalidConfig(`--execution-segment "${text}" must look like 1/4:1/2 (or 1/2 for 0:1/2)`);
  const from = parts.length === 2 ? fraction(parts[0]!, '--execution-segment') : { n: 0, d: 1 };
  const to = fraction(parts[parts.length - 1]!, '--execution-segment');
  if (cmp(from, to) >= 0) throw invalidConfig(`--execution-segment "${text}": the start must be below the end`);
  return { from, to };
}
