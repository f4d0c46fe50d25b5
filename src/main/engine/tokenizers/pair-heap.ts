// A binary heap of BPE pair candidates used to find the most frequent pair quickly.
// Order: highest count first, then the lower (left, right) ids, so ties break the same way every run.

/** Max-count heap of pair ids with deterministic tie-breaking on an order key. */
export class PairHeap {
  private counts: number[] = []
  private orders: number[] = []
  private ids: number[] = []

  get size(): number {
    return this.ids.length
  }

  private before(i: number, j: number): boolean {
    const a = this.counts[i]
    const b = this.counts[j]
    return a > b || (a === b && this.orders[i] < this.orders[j])
  }

  private swap(i: number, j: number): void {
    const c = this.counts[i]
    this.counts[i] = this.counts[j]
    this.counts[j] = c
    const o = this.orders[i]
    this.orders[i] = this.orders[j]
    this.orders[j] = o
    const d = this.ids[i]
    this.ids[i] = this.ids[j]
    this.ids[j] = d
  }

  /** Queue pair `id` with its count and tie-break order (lower first). */
  push(count: number, order: number, id: number): void {
    this.counts.push(count)
    this.orders.push(order)
    this.ids.push(id)
    let i = this.ids.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.before(i, p)) break
      this.swap(i, p)
      i = p
    }
  }

  /** Remove and return the top entry, or null when empty. */
  pop(): { count: number; id: number } | null {
    const n = this.ids.length
    if (n === 0) return null
    const top = { count: this.counts[0], id: this.ids[0] }
    const lastC = this.counts.pop() as number
    const lastO = this.orders.pop() as number
    const lastI = this.ids.pop() as number
    if (n > 1) {
      this.counts[0] = lastC
      this.orders[0] = lastO
      this.ids[0] = lastI
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
