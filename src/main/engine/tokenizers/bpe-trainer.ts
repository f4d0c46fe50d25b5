// Learns byte-fallback BPE merges from a corpus. The classic incremental algorithm: count every
// adjacent symbol pair once over the distinct pieces (weighted by how often each piece occurs), then
// for each merge update only the pieces that contain the merged pair, with a heap to find the next
// most frequent pair. Cost is roughly proportional to the corpus' distinct pieces plus the work each
// merge touches, which trains 50k short texts in a few seconds.
import { NUM_SPECIAL } from './special-tokens'
import { normalizeText } from './normalize'
import { pretokenize } from './pretokenize'
import { PairHeap } from './min-heap'
import type { TextOptions } from './types'

/** Smallest vocabulary that reserves the 256 byte tokens; below it unseen characters become [UNK]. */
export const BYTE_FALLBACK_MIN_VOCAB = 512

/** Space is shown as U+2581 in token strings so leading spaces are visible in the attention view. */
export const SPACE_MARK = '\u2581'

/** Ids fit in 20 bits (vocabulary <= 65536), so a pair packs into one exact double. */
const PAIR_SHIFT = 1048576

/** Pack a pair of ids into one number key. */
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

  // 1. Distinct pieces and their counts.
  const pieceIndex = new Map<string, number>()
  const pieceGraphemes: string[][] = []
  const pieceCounts: number[] = []
  for (const text of texts) {
    for (const piece of pretokenize(normalizeText(text, options))) {
      const s = piece.join('')
      const idx = pieceIndex.get(s)
      if (idx === undefined) {
        pieceIndex.set(s, pieceGraphemes.length)
        pieceGraphemes.push(piece)
        pieceCounts.push(1)
      } else pieceCounts[idx]++
    }
  }

  // 2. The alphabet: most frequent graphemes. With byte fallback, characters seen only once are
  // left to bytes and at most half the budget goes to characters, so merges get the rest.
  const gCounts = new Map<string, number>()
  for (let p = 0; p < pieceGraphemes.length; p++) {
    for (const g of pieceGraphemes[p]) gCounts.set(g, (gCounts.get(g) ?? 0) + pieceCounts[p])
  }
  let candidates = [...gCounts.entries()].filter(([g, c]) => !g.includes(SPACE_MARK) && (!byteFallback || c >= 2))
  candidates.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const alphabetCap = byteFallback ? Math.max(Math.floor(budget / 2), Math.min(budget, 64)) : budget
  candidates = candidates.slice(0, Math.max(0, alphabetCap))
  const alphabet = new Map<string, number>()
  for (const [g] of candidates) {
    alphabet.set(g, vocab.length)
    vocab.push(g.replaceAll(' ', SPACE_MARK))
  }
  const alphabetSize = alphabet.size

  // 3. Pieces as symbol ids; -1 marks a character outside the alphabet (never merged).
  const words: number[][] = []
  const counts: number[] = []
  for (let p = 0; p < pieceGraphemes.length; p++) {
    const gs = pieceGraphemes[p]
    if (gs.length < 2) continue
    words.push(gs.map((g) => alphabet.get(g) ?? -1))
    counts.push(pieceCounts[p])
  }

  const pairCounts = new Map<number, number>()
  const pairWords = new Map<number, number[]>()
  for (let w = 0; w < words.length; w++) {
    const sym = words[w]
    for (let i = 0; i + 1 < sym.length; i++) {
      if (sym[i] < 0 || sym[i + 1] < 0) continue
      const k = pairKey(sym[i], sym[i + 1])
      pairCounts.set(k, (pairCounts.get(k) ?? 0) + counts[w])
      const list = pairWords.get(k)
      if (list) {
        if (list[list.length - 1] !== w) list.push(w)
      } else pairWords.set(k, [w])
    }
  }
  const heap = new PairHeap()
  for (const [k, c] of pairCounts) heap.push(c, k)

  // 4. Merge until the vocabulary is full or no pair occurs twice.
  const learnedByString = new Map<string, number>()
  for (let id = firstLearned; id < vocab.length; id++) learnedByString.set(vocab[id], id)
  const merges: [number, number, number][] = []
  const merged = new Set<number>()
  const seen = new Int32Array(words.length).fill(-1)
  let stamp = 0
  while (vocab.length < vocabSize) {
    const top = heap.pop()
    if (!top) break
    const current = pairCounts.get(top.key) ?? 0
    if (current !== top.count) {
      // Stale entry: counts of existing pairs only fall, so re-queue with the true count.
      if (current > 0) heap.push(current, top.key)
      continue
    }
    if (current < 2) break
    const a = Math.floor(top.key / PAIR_SHIFT)
    const b = top.key - a * PAIR_SHIFT
    const text = vocab[a] + vocab[b]
    let c = learnedByString.get(text)
    if (c === undefined) {
      c = vocab.length
      vocab.push(text)
      learnedByString.set(text, c)
    }
    if (!merged.has(top.key)) {
      merged.add(top.key)
      merges.push([a, b, c])
    }

    stamp++
    const touched = new Set<number>()
    for (const w of pairWords.get(top.key) ?? []) {
      if (seen[w] === stamp) continue
      seen[w] = stamp
      const sym = words[w]
      const cnt = counts[w]
      let has = false
      for (let i = 0; i + 1 < sym.length; i++) {
        if (sym[i] === a && sym[i + 1] === b) {
          has = true
          break
        }
      }
      if (!has) continue
      for (let i = 0; i + 1 < sym.length; i++) {
        if (sym[i] < 0 || sym[i + 1] < 0) continue
        const k = pairKey(sym[i], sym[i + 1])
        const left = (pairCounts.get(k) ?? 0) - cnt
        if (left > 0) pairCounts.set(k, left)
        else pairCounts.delete(k)
      }
      const next: number[] = []
      for (let i = 0; i < sym.length; i++) {
        if (i + 1 < sym.length && sym[i] === a && sym[i + 1] === b) {
          next.push(c)
          i++
        } else next.push(sym[i])
      }
      for (let i = 0; i + 1 < next.length; i++) {
        if (next[i] < 0 || next[i + 1] < 0) continue
        const k = pairKey(next[i], next[i + 1])
        pairCounts.set(k, (pairCounts.get(k) ?? 0) + cnt)
        if (next[i] === c || next[i + 1] === c) {
          touched.add(k)
          const list = pairWords.get(k)
          if (list) {
            if (list[list.length - 1] !== w) list.push(w)
          } else pairWords.set(k, [w])
        }
      }
      words[w] = next
    }
    pairWords.delete(top.key)
    for (const k of touched) {
      const cnt = pairCounts.get(k)
      if (cnt) heap.push(cnt, k)
    }
  }

  return { vocab, byteFallback, alphabetSize, merges }
}
