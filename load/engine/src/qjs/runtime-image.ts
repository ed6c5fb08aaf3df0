// A QuickJS VU's start-up without evaluating the k6 runtime again. Evaluating the 67 KB runtime took ~11 ms of the
// ~20 ms a VU needed; what it leaves behind is a few hundred KB of the VU's WebAssembly memory. The first VU of a host
// thread evaluates it and the pages it wrote are kept (RuntimeImage.capture); every later VU, having made exactly the
// same calls up to that point (fresh instance, runtime, context, host functions installed in the same order, so the
// same allocations at the same addresses), gets those pages copied in instead (restore) — ~0.1 ms.
//
// What must differ between VUs is set after the copy: the identity (the runtime factory's argument) and Math.random's
// state (qjs-vu.ts reseeds it: a copied state would give every VU the same sequence).

const PAGE = 4096;

/** The Emscripten module's view of a VU's memory (the fields quickjs-emscripten's module object carries). */
export interface VuMemory {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(ptr: number): void;
}

/** Pages of `heap` holding anything but zeros. */
export function writtenPages(heap: Uint8Array): Set<number> {
  const words = new BigUint64Array(heap.buffer, heap.byteOffset, heap.byteLength / 8);
  const perPage = PAGE / 8;
  const pages = new Set<number>();
  for (let p = 0; p < heap.byteLength / PAGE; p++) {
    for (let i = p * perPage; i < (p + 1) * perPage; i++) {
      if (words[i] !== 0n) {
        pages.add(p);
        break;
      }
    }
  }
  return pages;
}

export class RuntimeImage {
  private constructor(
    /** Runs of consecutive written pages, with their bytes. */
    private readonly runs: { offset: number; bytes: Uint8Array }[],
    /** Pages written before the evaluation and zero after it: a restored VU must not keep its own bytes there. */
    private readonly cleared: number[],
    private readonly memoryBytes: number,
  ) {}

  /** The image of `memory` now, given the pages written before the runtime was evaluated. */
  static capture(before: Set<number>, memory: VuMemory): RuntimeImage {
    const heap = memory.HEAPU8;
    const after = writtenPages(heap);
    const sorted = [...after].sort((a, b) => a - b);
    const runs: { offset: number; bytes: Uint8Array }[] = [];
    for (let i = 0; i < sorted.length;) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
      const offset = sorted[i]! * PAGE;
      runs.push({ offset, bytes: heap.slice(offset, (sorted[j]! + 1) * PAGE) });
      i = j + 1;
    }
    const cleared = [...before].filter((p) => !after.has(p));
    return new RuntimeImage(runs, cleared, heap.byteLength);
  }

  /** Bytes a restored VU gets from the image. */
  get bytes(): number {
    return this.runs.reduce((a, r) => a + r.bytes.byteLength, 0);
  }

  restore(memory: VuMemory): void {
    if (memory.HEAPU8.byteLength < this.memoryBytes) {
      // Grow through the allocator, so Emscripten refreshes its views; the allocation itself is overwritten below.
      const ptr = memory._malloc(this.memoryBytes - memory.HEAPU8.byteLength);
      if (ptr === 0 || memory.HEAPU8.byteLength < this.memoryBytes) {
        throw new Error(`a VU's memory could not grow to the runtime image's ${this.memoryBytes} bytes`);
      }
      memory._free(ptr);
    }
    const heap = memory.HEAPU8;
    for (const p of this.cleared) heap.fill(0, p * PAGE, (p + 1) * PAGE);
    for (const r of this.runs) heap.set(r.bytes, r.offset);
  }
}
