/**
 * A small seeded PRNG (sfc32) so every fuzz run is repeatable from its seed: the same seed
 * produces the same hostile inputs in the same order. `fork(label)` derives an independent
 * stream, so adding a case to one entry point never shifts the inputs of another.
 */

/** FNV-1a over the label, mixed with the seed: the seed of a derived stream. */
function derive(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i += 1) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export class Rng {
  readonly seed: number;
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = this.seed;
    // Warm up so nearby seeds diverge at once.
    for (let i = 0; i < 15; i += 1) this.next();
  }

  /** An independent stream for `label` (same seed and label, same stream). */
  fork(label: string): Rng {
    return new Rng(derive(this.seed, label));
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.#a >>>= 0;
    this.#b >>>= 0;
    this.#c >>>= 0;
    this.#d >>>= 0;
    const t = (this.#a + this.#b) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#d = (this.#d + 1) | 0;
    const result = (t + this.#d) | 0;
    this.#c = (this.#c + result) | 0;
    return (result >>> 0) / 4294967296;
  }

  /** A uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  string(length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"): string {
    // By code point, so an astral character is never split into a lone surrogate.
    const chars = Array.from(alphabet);
    let out = "";
    for (let i = 0; i < length; i += 1) out += chars[this.int(0, chars.length - 1)];
    return out;
  }

  /** `count` distinct items of `items` in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) {
      out.push(pool.splice(this.int(0, pool.length - 1), 1)[0] as T);
    }
    return out;
  }
}
