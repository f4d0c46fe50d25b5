// A binary heap of (count, key) used by BPE training to find the most frequent pair quickly.
// Order: highest count first, then lowest key, so equal counts break ties the same way every run.

/** Max-count heap with deterministic tie-breaking on the key. */
export class PairHeap {
  private counts: number[] = []
  private keys: number[] = []

  get size(): number {
    return this.keys.length
  }

  private before(i: number, j: number): boolean {
    const a = this.counts[i]
    const b = this.counts[j]
    return a > b || (a === b && this.keys[i] < this.keys[j])
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i]
    this.counts[i] = this.counts[j]
    this.counts[j] = c
    const k = this.keys[i]
    this.keys[i] = this.keys[j]
    this.keys[j] = k
  }

  push(count: number, key: number): void {
    this.counts.push(count)
    this.keys.push(key)
    let i = this.keys.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.before(i, p)) break
      this.swap(i, p)
      i = p
    }
  }

  /** Remove and return the top entry, or null when empty. */
  pop(): { count: number; key: number } | null {
    const n = this.keys.length
    if (n === 0) return null
    const top = { count: this.counts[0], key: this.keys[0] }
    const lastC = this.counts.pop() as number
    const lastK = this.keys.pop() as number
    if (n > 1) {
      this.counts[0] = lastC
      this.keys[0] = lastK
      let i = 0
      const m = n - 1
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let best = i
        if (l < m && this.before(l, best)) best = l
        if (r < m && this.before(r, best)) best = r
        if (best === i) break
        this.swap(i, best)
        i = best
      }
    }
    return top
  }
}
