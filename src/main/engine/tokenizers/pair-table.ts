// Counts of adjacent symbol pairs for BPE training. An open-addressing hash table on typed arrays
// gives each distinct pair a dense id, so counts, positions and word lists live in plain arrays:
// a Map keyed by packed pairs was the training bottleneck (its keys exceed small-integer range).

/** Distinct (left, right) id pairs with a count and the words that contained them. */
export class PairTable {
  /** Left and right symbol ids per pair id. */
  readonly left: number[] = []
  readonly right: number[] = []
  /** Weighted occurrences per pair id (may drop to 0 after merges). */
  readonly count: number[] = []
  /** Indices of words that contained the pair when it was counted (may hold stale entries). */
  readonly words: number[][] = []
  /** Scratch mark per pair id, so a caller can list each changed pair once per merge. */
  readonly mark: number[] = []
  private slots = new Int32Array(1 << 16)
  private mask = (1 << 16) - 1

  get size(): number {
    return this.left.length
  }

  private hash(a: number, b: number): number {
    // Mix all bits (murmur3 finaliser): linear probing needs well-spread low bits.
    let h = Math.imul(a, 0x9e3779b1) + b
    h ^= h >>> 16
    h = Math.imul(h, 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
    return h & this.mask
  }

  /** The pair's id, or -1 when it has never been seen. */
  find(a: number, b: number): number {
    let s = this.hash(a, b)
    for (;;) {
      const v = this.slots[s]
      if (v === 0) return -1
      const id = v - 1
      if (this.left[id] === a && this.right[id] === b) return id
      s = (s + 1) & this.mask
    }
  }

  /** The pair's id, created with count 0 if new. */
  intern(a: number, b: number): number {
    let s = this.hash(a, b)
    for (;;) {
      const v = this.slots[s]
      if (v === 0) break
      const id = v - 1
      if (this.left[id] === a && this.right[id] === b) return id
      s = (s + 1) & this.mask
    }
    const id = this.left.length
    this.left.push(a)
    this.right.push(b)
    this.count.push(0)
    this.words.push([])
    this.mark.push(-1)
    this.slots[s] = id + 1
    if (this.left.length * 2 > this.slots.length) this.grow()
    return id
  }

  /** Add `n` occurrences of (a, b) seen in word `w`; returns the pair id. */
  add(a: number, b: number, n: number, w: number): number {
    const id = this.intern(a, b)
    this.count[id] += n
    const list = this.words[id]
    if (list.length === 0 || list[list.length - 1] !== w) list.push(w)
    return id
  }

  /** Remove `n` occurrences of (a, b). */
  sub(a: number, b: number, n: number): void {
    const id = this.find(a, b)
    if (id >= 0) this.count[id] -= n
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2)
    this.mask = this.slots.length - 1
    for (let id = 0; id < this.left.length; id++) {
      let s = this.hash(this.left[id], this.right[id])
      while (this.slots[s] !== 0) s = (s + 1) & this.mask
      this.slots[s] = id + 1
    }
  }
}
