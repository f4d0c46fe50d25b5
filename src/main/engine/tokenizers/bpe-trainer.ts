// Learns byte-fallback BPE merges from a corpus. The classic incremental algorithm: count every
// adjacent symbol pair once over the distinct pieces (weighted by how often each piece occurs), then
// for each merge visit only the pieces that contain the merged pair and adjust only the pairs next
// to each merge, with a heap to find the next most frequent pair. Cost is roughly proportional to
// the corpus' distinct pieces plus the work each merge touches: 50k short texts train in seconds.
import { NUM_SPECIAL } from './special-tokens'
import { normalizeText } from './normalize'
import { pretokenize } from './pretokenize'
import { splitGraphemes } from './segment'
import { PairHeap } from './pair-heap'
import { PairTable } from './pair-table'
import type { TextOptions } from './types'

/** Smallest vocabulary that reserves the 256 byte tokens; below it unseen characters become [UNK]. */
export const BYTE_FALLBACK_MIN_VOCAB = 512

/** Space is shown as U+2581 in token strings so leading spaces are visible in the attention view. */
export const SPACE_MARK = '\u2581'

/** Most distinct pieces merges are learned from (see step 3 of trainBpe). */
export const MAX_PIECES = 200_000

/** Ids fit in 20 bits (vocabulary <= 65536), so a pair packs into one exact double. */
const PAIR_SHIFT = 1048576

/** Pack a pair of ids into one number key (an exact double; used for ordering and encode-time lookup). */
export function pairKey(a: number, b: number): number {
  return a * PAIR_SHIFT + b
}

/** The token string for 256 byte-fallback ids. */
export function byteToken(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`
}

/** What training produces; SubwordTokenizer is built from it. */
export interface BpeModel {
  vocab: string[]
  byteFallback: boolean
  alphabetSize: number
  merges: [number, number, number][]
}

/** Train BPE on `texts` to at most `vocabSize` tokens including specials (and bytes when they fit). */
export function trainBpe(texts: Iterable<string>, vocabSize: number, options: TextOptions): BpeModel {
  const byteFallback = vocabSize >= BYTE_FALLBACK_MIN_VOCAB
  const vocab: string[] = []
  for (let i = 0; i < NUM_SPECIAL; i++) vocab.push('')
  if (byteFallback) for (let b = 0; b < 256; b++) vocab.push(byteToken(b))
  const firstLearned = vocab.length
  const budget = vocabSize - firstLearned

  // 1. Distinct pieces and how often each occurs.
  const pieceCount = new Map<string, number>()
  for (const text of texts) {
    for (const piece of pretokenize(normalizeText(text, options))) pieceCount.set(piece, (pieceCount.get(piece) ?? 0) + 1)
  }

  // 2. The alphabet: most frequent graphemes. With byte fallback, characters seen only once are
  // left to bytes and at most half the budget goes to characters, so merges get the rest.
  const gCounts = new Map<string, number>()
  for (const [piece, n] of pieceCount) for (const g of splitGraphemes(piece)) gCounts.set(g, (gCounts.get(g) ?? 0) + n)
  let candidates = [...gCounts.entries()].filter(([g, c]) => !g.includes(SPACE_MARK) && (!byteFallback || c >= 2))
  candidates.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
  const alphabetCap = byteFallback ? Math.max(Math.floor(budget / 2), Math.min(budget, 64)) : budget
  candidates = candidates.slice(0, Math.max(0, alphabetCap))
  const symbolOf = new Map<string, number>()
  for (const [g] of candidates) {
    symbolOf.set(g, vocab.length)
    vocab.push(g.replaceAll(' ', SPACE_MARK))
  }
  const alphabetSize = candidates.length

  // 3. Pieces as symbol ids; -1 marks a character outside the alphabet (never merged). On noisy
  // corpora (ids, hashes, typos) distinct pieces explode while each adds almost nothing to pair
  // counts, so merges are learned from the most frequent MAX_PIECES of them (ties by code units).
  let chosen = [...pieceCount.entries()]
  pieceCount.clear()
  if (chosen.length > MAX_PIECES) {
    chosen.sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
    chosen = chosen.slice(0, MAX_PIECES)
  }
  const words: Int32Array[] = []
  const counts: number[] = []
  for (const [piece, n] of chosen) {
    const gs = splitGraphemes(piece)
    if (gs.length < 2) continue
    words.push(Int32Array.from(gs, (g) => symbolOf.get(g) ?? -1))
    counts.push(n)
  }

  const pairs = new PairTable()
  for (let w = 0; w < words.length; w++) {
    const sym = words[w]
    for (let i = 0; i + 1 < sym.length; i++) if (sym[i] >= 0 && sym[i + 1] >= 0) pairs.add(sym[i], sym[i + 1], counts[w], w)
  }
  const heap = new PairHeap()
  const order = (id: number): number => pairs.left[id] * PAIR_SHIFT + pairs.right[id]
  for (let id = 0; id < pairs.size; id++) heap.push(pairs.count[id], order(id), id)

  // 4. Merge until the vocabulary is full or no pair occurs twice.
  const learnedByString = new Map<string, number>()
  for (let id = firstLearned; id < vocab.length; id++) learnedByString.set(vocab[id], id)
  const merges: [number, number, number][] = []
  const merged = new Set<number>()
  const seen = new Int32Array(words.length).fill(-1)
  let stamp = 0
  const touched: number[] = []
  while (vocab.length < vocabSize) {
    const top = heap.pop()
    if (!top) break
    const pid = top.id
    const current = pairs.count[pid]
    if (current !== top.count) {
      // Stale entry: a pair's count only falls once queued (rises are queued anew), so re-queue.
      if (current > 0) heap.push(current, order(pid), pid)
      continue
    }
    if (current < 2) break
    const a = pairs.left[pid]
    const b = pairs.right[pid]
    const text = vocab[a] + vocab[b]
    let c = learnedByString.get(text)
    if (c === undefined) {
      c = vocab.length
      vocab.push(text)
      learnedByString.set(text, c)
    }
    if (!merged.has(pid)) {
      merged.add(pid)
      merges.push([a, b, c])
    }

    stamp++
    touched.length = 0
    const list = pairs.words[pid]
    pairs.words[pid] = []
    for (const w of list) {
      if (seen[w] === stamp) continue
      seen[w] = stamp
      const next = mergeWord(words[w], a, b, c, counts[w], w, pairs, touched, stamp)
      if (next) words[w] = next
    }
    pairs.count[pid] = 0
    for (const id of touched) if (pairs.count[id] > 0) heap.push(pairs.count[id], order(id), id)
  }

  return { vocab, byteFallback, alphabetSize, merges }
}

/**
 * Replace every (a, b) in `sym` by c, updating only the pair counts next to each merge.
 * Works in place; returns the shortened view, or null when the word no longer contains the pair.
 */
function mergeWord(
  sym: Int32Array,
  a: number,
  b: number,
  c: number,
  n: number,
  w: number,
  pairs: PairTable,
  touched: number[],
  stamp: number,
): Int32Array | null {
  const len = sym.length
  let first = -1
  for (let i = 0; i + 1 < len; i++) {
    if (sym[i] === a && sym[i + 1] === b) {
      first = i
      break
    }
  }
  if (first < 0) return null
  const note = (id: number): void => {
    if (pairs.mark[id] !== stamp) {
      pairs.mark[id] = stamp
      touched.push(id)
    }
  }
  // Merging in place is safe: the write position never passes the read position.
  const out = sym
  let o = first
  let prevMerged = false
  let i = first
  while (i < len) {
    if (i + 1 < len && sym[i] === a && sym[i + 1] === b) {
      if (o > 0 && out[o - 1] >= 0) {
        // Left neighbour: (x, a) becomes (x, c); after a merge just made, (b, a) was already removed.
        if (!prevMerged) pairs.sub(out[o - 1], a, n)
        note(pairs.add(out[o - 1], c, n, w))
      }
      if (i + 2 < len && sym[i + 2] >= 0) {
        // Right neighbour: (b, y) goes; (c, y) is added unless y starts the next merge (then (c, c) is).
        pairs.sub(b, sym[i + 2], n)
        const nextMerges = i + 3 < len && sym[i + 2] === a && sym[i + 3] === b
        if (!nextMerges) note(pairs.add(c, sym[i + 2], n, w))
      }
      out[o++] = c
      i += 2
      prevMerged = true
    } else {
      out[o++] = sym[i]
      i++
      prevMerged = false
    }
  }
  return out.subarray(0, o)
}
