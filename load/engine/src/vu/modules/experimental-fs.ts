// k6/experimental/fs: open(path) in the init context resolves to a File whose read/seek/stat work on the file's
// bytes, read once at open (k6 also loads the whole file in memory, once, and shares it). Paths resolve like open()'s.
import { b64ToBytes } from '../base64.ts';
import { Error, JSON, Math, Number, Object, Promise, String } from '../sandbox-builtins.ts';
import type { Dict, VuState } from '../vu-state.ts';

export const SeekMode = Object.freeze({ Start: 0, Current: 1, End: 2 });

export class FsFile {
  readonly path: string;
  #bytes: Uint8Array;
  #b64: string;
  #offset = 0;
  #text: ((b64: string) => string) | null;

  constructor(path: string, b64: string, text: (b64: string) => string) {
    this.path = path;
    this.#b64 = b64;
    this.#bytes = b64ToBytes(b64);
    this.#text = text;
  }

  /** The whole content as UTF-8 text (k6/experimental/csv reads it so). */
  static textOf(file: unknown): string | null {
    return file instanceof FsFile && file.#text !== null ? file.#text(file.#b64) : null;
  }

  stat(): Promise<{ name: string; size: number }> {
    return Promise.resolve({ name: this.path, size: this.#bytes.length });
  }

  /** Fills `buffer` from the current offset; resolves to the bytes read, or null at the end of the file. */
  read(buffer: unknown): Promise<number | null> {
    if (!(buffer instanceof Uint8Array)) {
      return Promise.reject(new Error('File.read: the buffer must be a Uint8Array, e.g. new Uint8Array(1024)'));
    }
    if (this.#offset >= this.#bytes.length) return Promise.resolve(null);
    const n = Math.min(buffer.length, this.#bytes.length - this.#offset);
    buffer.set(this.#bytes.subarray(this.#offset, this.#offset + n));
    this.#offset += n;
    return Promise.resolve(n);
  }

  /** Moves the offset (SeekMode.Start, Current or End); resolves to the new offset. */
  seek(offset: unknown, whence: unknown = SeekMode.Start): Promise<number> {
    const o = Number(offset);
    const base =
      whence === SeekMode.Start ? 0 : whence === SeekMode.Current ? this.#offset : whence === SeekMode.End ? -1 : -2;
    if (base === -2) return Promise.reject(new Error(`File.seek: whence must be SeekMode.Start, Current or End`));
    const next = (base === -1 ? this.#bytes.length : base) + o;
    if (!Number.isInteger(o) || next < 0) {
      return Promise.reject(new Error(`File.seek: offset ${String(offset)} would move before the start of the file`));
    }
    this.#offset = next;
    return Promise.resolve(next);
  }
}

export function createFsModule(vu: VuState): Dict {
  const { host } = vu;
  function open(path: unknown): Promise<FsFile> {
    if (!host.isInitPhase()) {
      return Promise.reject(
        new Error(
          'open() of k6/experimental/fs can only be called in the init context (use top-level await), as in k6',
        ),
      );
    }
    const r = JSON.parse(host.open(String(path), true)) as { v?: string; e?: string };
    if (r.e !== undefined) return Promise.reject(new Error(r.e));
    return Promise.resolve(new FsFile(String(path), r.v ?? '', (b64) => host.b64ToUtf8(b64)));
  }
  return { open, SeekMode };
}
