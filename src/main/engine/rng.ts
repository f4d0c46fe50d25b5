// Seeded randomness. Everything random in a run (initial weights, dropout masks, data order)
// derives from the run's seed plus a counter, so a checkpoint's step and epoch are enough to replay
// the exact same stream after a restart; dataset splits, oversampling and random sweeps draw from the
// same generator, so they come out the same on every machine for a seed.

/** Mixes any number of integers into one well-spread uint32 (a hash, not a generator). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return h >>> 0
}

/** A small, fast, seedable generator (mulberry32) whose whole state is one integer. */
export class Rng {
  constructor(public state: number) {
    this.state = state >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = Math.max(this.next(), 1e-12)
    const v = this.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const tmp = a[i]
      a[i] = a[j]
      a[j] = tmp
    }
    return a
  }
}

/** Hands out a fresh seed for each dropout call inside one step, reproducibly. */
export class SeedStream {
  private counter = 0
  constructor(private readonly base: number) {}
  next(): number {
    return mixSeed(this.base, this.counter++)
  }
}
