import { describe, expect, it } from 'vitest'
import { SPACE_MARK, trainBpe, type BpeModel } from '../../../../src/main/engine/tokenizers/bpe-trainer'
import { pretokenize } from '../../../../src/main/engine/tokenizers/pretokenize'
import { splitGraphemes } from '../../../../src/main/engine/tokenizers/segment'
import { NUM_SPECIAL } from '../../../../src/main/engine/tokenizers/special-tokens'
import { rng } from './fixtures'

const opts = { lowercase: false, normalize: 'none' } as const

/** Textbook BPE: recount every pair before each merge. Slow, obviously correct. */
function naiveMerges(texts: string[], model: BpeModel, vocabSize: number): [number, number, number][] {
  const first = NUM_SPECIAL + (model.byteFallback ? 256 : 0)
  const alphabet = new Map<string, number>()
  for (let id = first; id < first + model.alphabetSize; id++) alphabet.set(model.vocab[id].replaceAll(SPACE_MARK, ' '), id)
  const pieceCount = new Map<string, number>()
  for (const t of texts) for (const p of pretokenize(t)) pieceCount.set(p, (pieceCount.get(p) ?? 0) + 1)
  const words = [...pieceCount].map(([p, n]) => ({ sym: splitGraphemes(p).map((g) => alphabet.get(g) ?? -1), n }))
  const vocab = model.vocab.slice(0, first + model.alphabetSize)
  const merges: [number, number, number][] = []
  const done = new Set<string>()
  while (vocab.length < vocabSize) {
    const counts = new Map<string, number>()
    for (const { sym, n } of words) {
      for (let i = 0; i + 1 < sym.length; i++) {
        if (sym[i] < 0 || sym[i + 1] < 0) continue
        const k = `${sym[i]},${sym[i + 1]}`
        counts.set(k, (counts.get(k) ?? 0) + n)
      }
    }
    let best: [number, number] | null = null
    let bestCount = 0
    for (const [k, n] of counts) {
      const [a, b] = k.split(',').map(Number)
      if (n > bestCount || (n === bestCount && best && (a < best[0] || (a === best[0] && b < best[1])))) {
        best = [a, b]
        bestCount = n
      }
    }
    if (!best || bestCount < 2) break
    const [a, b] = best
    const text = vocab[a] + vocab[b]
    let c = vocab.indexOf(text, first)
    if (c < 0) {
      c = vocab.length
      vocab.push(text)
    }
    if (!done.has(`${a},${b}`)) {
      done.add(`${a},${b}`)
      merges.push([a, b, c])
    }
    for (const w of words) {
      const out: number[] = []
      for (let i = 0; i < w.sym.length; i++) {
        if (i + 1 < w.sym.length && w.sym[i] === a && w.sym[i + 1] === b) {
          out.push(c)
          i++
        } else out.push(w.sym[i])
      }
      w.sym = out
    }
  }
  return merges
}

describe('trainBpe', () => {
  it('learns the same merges as textbook BPE, including runs of one letter and overlaps', () => {
    const rand = rng(11)
    const texts = ['aaaa aaa abab ababab baaab', 'aaaaaaa bbbb abba', 'ab ab ab ba ba aab']
    for (let i = 0; i < 60; i++) {
      texts.push(Array.from({ length: 20 }, () => 'ab c'[Math.floor(rand() * 4)]).join(''))
    }
    for (const size of [20, 60, 120]) {
      const model = trainBpe(texts, size, opts)
      expect(model.merges.length).toBeGreaterThan(0)
      expect(model.merges).toEqual(naiveMerges(texts, model, size))
    }
  })

  it('matches textbook BPE with byte fallback on mixed text', () => {
    const rand = rng(3)
    const words = ['the', 'then', 'there', 'these', 'hat', 'that', 'ñandú', '猫', '👍🏽', 'aaa']
    const texts = Array.from({ length: 80 }, () => Array.from({ length: 8 }, () => words[Math.floor(rand() * words.length)]).join(' '))
    const model = trainBpe(texts, 600, opts)
    expect(model.byteFallback).toBe(true)
    expect(model.merges).toEqual(naiveMerges(texts, model, 600))
  })
})
