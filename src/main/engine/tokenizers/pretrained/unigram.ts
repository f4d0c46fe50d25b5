// Unigram language-model segmentation (Kudo 2018, sentencepiece): each word is split into the pieces
// whose summed log-probabilities are highest (Viterbi over the lattice of vocabulary matches). A
// character no piece starts with becomes the unknown token with a score of (lowest score - 10), and
// runs of unknown characters fuse into one unknown token, as sentencepiece does.

/** A Unigram model: vocabulary pieces with log-probability scores. */
export class UnigramModel {
  // Pieces by text, and the longest piece in characters: a lattice position tries each length up to it
  // (a flat map holds XLM-R's 250,000 pieces in far less memory than a trie of per-node maps).
  private readonly pieces = new Map<string, number>()
  private readonly maxChars: number
  private readonly unkScore: number

  constructor(
    vocab: string[],
    private readonly scores: number[],
    private readonly unkId: number | null,
    /** Ids matched in raw text instead (added tokens) are left out of the lattice. */
    skip: Set<number> = new Set(),
  ) {
    let min = Infinity
    for (const s of scores) if (s < min) min = s
    this.unkScore = min - 10
    let maxChars = 1
    vocab.forEach((piece, id) => {
      if (skip.has(id) || piece === '' || id >= scores.length || this.pieces.has(piece)) return
      this.pieces.set(piece, id)
      let n = 0
      for (const _ of piece) n++
      if (n > maxChars) maxChars = n
    })
    this.maxChars = maxChars
  }

  /** Best segmentation of one word: ids, with unknown runs as { id: unkId } spanning their text. */
  encode(word: string): { id: number | null; piece: string }[] {
    const chars = Array.from(word)
    const n = chars.length
    // best[i]: highest score of a segmentation of chars[0..i); from[i]: start of its last piece; ids[i]: that piece.
    const best = new Float64Array(n + 1).fill(-Infinity)
    const from = new Int32Array(n + 1).fill(-1)
    const ids = new Int32Array(n + 1).fill(-2)
    best[0] = 0
    for (let i = 0; i < n; i++) {
      if (best[i] === -Infinity) continue
      let single = false
      let piece = ''
      for (let j = i; j < n && j - i < this.maxChars; j++) {
        piece += chars[j]
        const id = this.pieces.get(piece)
        if (id === undefined) continue
        if (j === i) single = true
        const s = best[i] + this.scores[id]
        if (s > best[j + 1]) {
          best[j + 1] = s
          from[j + 1] = i
          ids[j + 1] = id
        }
      }
      if (!single) {
        const s = best[i] + this.unkScore
        if (s > best[i + 1]) {
          best[i + 1] = s
          from[i + 1] = i
          ids[i + 1] = -1
        }
      }
    }
    const out: { id: number | null; piece: string }[] = []
    for (let end = n; end > 0; end = from[end]) {
      const start = from[end]
      const id = ids[end]
      const piece = chars.slice(start, end).join('')
      const prev = out[out.length - 1]
      // Fuse adjacent unknowns (we walk backwards, so prepend to the previous one found).
      if (id === -1 && prev && prev.id === null) prev.piece = piece + prev.piece
      else out.push({ id: id === -1 ? null : id, piece })
    }
    out.reverse()
    return out.map((p) => (p.id === null ? { id: this.unkId, piece: p.piece } : p))
  }
}
