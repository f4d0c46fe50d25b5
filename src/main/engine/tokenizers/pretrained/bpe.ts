// Byte-pair encoding with ranked merges (Sennrich et al. 2016; GPT-2 applies it to byte-level words):
// repeatedly merge the adjacent pair whose merge was learned first (leftmost on ties) until no learned
// merge applies. Symbols missing from the vocabulary fall back to <0xNN> byte tokens or [unk].

/** A BPE model over a fixed merge list; caches words (texts repeat them a lot). */
export class BpeModel {
  private readonly ranks = new Map<string, number>()
  private readonly cache = new Map<string, string[]>()

  constructor(merges: [string, string][]) {
    merges.forEach(([a, b], i) => {
      const key = a + '\u0000' + b
      if (!this.ranks.has(key)) this.ranks.set(key, i)
    })
  }

  /** The merged symbols of one word (before vocabulary lookup). */
  merge(word: string): string[] {
    const hit = this.cache.get(word)
    if (hit) return hit
    const syms = Array.from(word)
    for (;;) {
      let best = -1
      let bestRank = Infinity
      for (let i = 0; i + 1 < syms.length; i++) {
        const r = this.ranks.get(syms[i] + '\u0000' + syms[i + 1])
        if (r !== undefined && r < bestRank) {
          bestRank = r
          best = i
        }
      }
      if (best < 0) break
      syms.splice(best, 2, syms[best] + syms[best + 1])
    }
    if (word.length < 256) {
      if (this.cache.size > 20000) this.cache.clear()
      this.cache.set(word, syms)
    }
    return syms
  }
}
