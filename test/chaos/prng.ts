/**
 * A small seeded PRNG (sfc32 seeded through a string hash): the same seed and stream name
 * give the same draws on every machine, so a chaos run's fault schedule is repeatable.
 * Separate named streams keep one part of the run (e.g. bot decisions, which depend on how
 * many turns timing allowed) from shifting the draws of another (the fault schedule).
 */

/** 32-bit FNV-1a, then a murmur finalizer: a well-spread 32-bit value for a string. */
function hash32(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A deterministic random stream. */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** The stream `stream` of run `seed`. */
  constructor(seed: number, stream: string) {
    const key = `${seed}/${stream}`;
    this.#a = hash32(key, 1);
    this.#b = hash32(key, 2);
    this.#c = hash32(key, 3);
    this.#d = hash32(key, 4);
    // Warm up: the first outputs of sfc32 still correlate with the seed words.
    for (let i = 0; i < 12; i += 1) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t / 4294967296;
  }

  /** Uniform integer in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  }

  /** One key of `weights`, with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let draw = this.next() * total;
    for (const [key, weight] of entries) {
      draw -= weight;
      if (draw < 0) return key;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error("weighted pick from no weights");
    return last[0];
  }
}
