// Sweep spaces: grid order and limits, seeded random search (distinct, reproducible, within the
// space, covering it when asked for all), key checks and the nested form of a point.
import { describe, expect, it } from 'vitest'
import { UserError } from '../../../src/shared/api'
import { checkSpaceKeys, dottedToNested, expandSpace, maxSweepRuns } from '../../../src/main/services/sweeps'
import { resolveConfig } from '../../../src/shared/config'

const space = { 'train.learningRate': [1e-4, 3e-4, 1e-3, 3e-3], 'model.dModel': [32, 64, 128], 'tokenizer.kind': ['word', 'subword'] }
const key = (p: Record<string, unknown>) => JSON.stringify(p)

describe('grid search', () => {
  it('lists every combination once, last key fastest, and stops at the budget', () => {
    const all = expandSpace(space, 'grid', undefined, 1)
    expect(all).toHaveLength(24)
    expect(new Set(all.map(key)).size).toBe(24)
    expect(all[0]).toEqual({ 'train.learningRate': 1e-4, 'model.dModel': 32, 'tokenizer.kind': 'word' })
    expect(all[1]).toEqual({ 'train.learningRate': 1e-4, 'model.dModel': 32, 'tokenizer.kind': 'subword' })
    expect(all[23]).toEqual({ 'train.learningRate': 3e-3, 'model.dModel': 128, 'tokenizer.kind': 'subword' })
    expect(expandSpace(space, 'grid', 5, 1)).toEqual(all.slice(0, 5))
  })

  it('refuses a grid larger than a sweep may queue, with a way out in the message', () => {
    const big = { a: Array.from({ length: 20 }, (_, i) => i), b: Array.from({ length: 20 }, (_, i) => i) }
    expect(() => expandSpace(big, 'grid', undefined, 1)).toThrow(UserError)
    expect(() => expandSpace(big, 'grid', undefined, 1)).toThrow(new RegExp(`400 combinations; at most ${maxSweepRuns}.*random search`))
  })
})

describe('random search', () => {
  it('draws distinct points from the space, the same ones for the same seed, other ones for another seed', () => {
    const a = expandSpace(space, 'random', 6, 42)
    expect(a).toHaveLength(6)
    expect(new Set(a.map(key)).size).toBe(6)
    for (const p of a) for (const [k, v] of Object.entries(p)) expect((space as Record<string, unknown[]>)[k]).toContain(v)
    expect(expandSpace(space, 'random', 6, 42)).toEqual(a)
    const others = [7, 8, 9].map((s) => expandSpace(space, 'random', 6, s).map(key).join('|'))
    expect(others.some((o) => o !== a.map(key).join('|'))).toBe(true)
  })

  it('is not just the first grid points: over many seeds every combination gets drawn', () => {
    const seen = new Set<string>()
    for (let s = 0; s < 60; s++) for (const p of expandSpace(space, 'random', 3, s)) seen.add(key(p))
    expect(seen.size).toBe(24)
  })

  it('asking for more than the space holds gives every combination once (the shuffle path)', () => {
    const all = expandSpace(space, 'random', 100, 3)
    expect(all).toHaveLength(24)
    expect(new Set(all.map(key))).toEqual(new Set(expandSpace(space, 'grid', undefined, 0).map(key)))
    // A budget above half the space takes the shuffle path: still distinct.
    const most = expandSpace(space, 'random', 20, 3)
    expect(new Set(most.map(key)).size).toBe(20)
  })

  it('defaults to ten points', () => {
    expect(expandSpace(space, 'random', undefined, 5)).toHaveLength(10)
  })
})

describe('space checks', () => {
  const config = resolveConfig('quick')
  it('accepts real settings and names the one that is not', () => {
    expect(() => checkSpaceKeys(space, config)).not.toThrow()
    expect(() => checkSpaceKeys({ 'train.learningRat': [1] }, config)).toThrow(/"train.learningRat", which is not a setting/)
    expect(() => checkSpaceKeys({ train: [1] }, config)).toThrow(/group of settings/)
    expect(() => expandSpace({}, 'grid', undefined, 0)).toThrow(/at least one setting/)
  })

  it('turns dotted keys into the nested config shape', () => {
    expect(dottedToNested({ 'train.learningRate': 0.01, 'model.dModel': 64, 'finetune.lora.rank': 4 })).toEqual({
      train: { learningRate: 0.01 },
      model: { dModel: 64 },
      finetune: { lora: { rank: 4 } },
    })
  })
})
