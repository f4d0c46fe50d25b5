import { describe, expect, it } from 'vitest'
import { attentionRollout } from '../../../src/main/engine/rollout'

// Hand-computed 2-layer, 2-head, 2-token case.
// Layer 0: heads [[.5,.5],[.5,.5]] and identity -> mean [[.75,.25],[.25,.75]]
//          + I, rows renormalised -> A0 = [[.875,.125],[.125,.875]]
// Layer 1: heads [[0,1],[0,1]] and [[0,1],[1,0]] -> mean [[0,1],[.5,.5]]
//          + I, rows renormalised -> A1 = [[.5,.5],[.25,.75]]
// Rollout = A1 * A0. Row 1: [.25,.75] * A0 = [.3125, .6875].
// Mean of rows: [.375,.625] * A0 = [.40625, .59375].
const weights = [
  [
    [
      [0.5, 0.5],
      [0.5, 0.5],
    ],
    [
      [1, 0],
      [0, 1],
    ],
  ],
  [
    [
      [0, 1],
      [0, 1],
    ],
    [
      [0, 1],
      [1, 0],
    ],
  ],
]

function softmaxRows(rows: number[][], mask: number[]): number[][] {
  return rows.map((r) => {
    const e = r.map((x, k) => (mask[k] ? Math.exp(x) : 0))
    const s = e.reduce((a, b) => a + b, 0)
    return e.map((x) => x / s)
  })
}

function randomLayers(L: number, H: number, T: number, mask: number[], seed: number): number[][][][] {
  let s = seed
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648)
  return Array.from({ length: L }, () =>
    Array.from({ length: H }, () =>
      softmaxRows(
        Array.from({ length: T }, () => Array.from({ length: T }, () => rand() * 4)),
        mask,
      ),
    ),
  )
}

describe('attentionRollout', () => {
  it('matches the hand-computed two-layer rollout for a pooled token', () => {
    const r = attentionRollout(weights, 1)
    expect(r[0]).toBeCloseTo(0.3125, 12)
    expect(r[1]).toBeCloseTo(0.6875, 12)
  })

  it('matches the hand-computed rollout averaged over tokens', () => {
    const r = attentionRollout(weights, 'mean')
    expect(r[0]).toBeCloseTo(0.40625, 12)
    expect(r[1]).toBeCloseTo(0.59375, 12)
  })

  it('equals (A + I) / 2 for one layer with one head', () => {
    const a = [
      [
        [
          [0.2, 0.8],
          [0.6, 0.4],
        ],
      ],
    ]
    const r = attentionRollout(a, 0)
    expect(r[0]).toBeCloseTo(0.6, 12)
    expect(r[1]).toBeCloseTo(0.4, 12)
  })

  it('gives padding zero and sums to 1, even when the weights leak onto padding', () => {
    const mask = [1, 1, 1, 0, 0]
    const clean = randomLayers(3, 2, 5, mask, 7)
    const leaky = randomLayers(3, 2, 5, [1, 1, 1, 1, 1], 7)
    for (const w of [clean, leaky]) {
      for (const pooled of [0, 2, 'mean'] as const) {
        const r = attentionRollout(w, pooled, mask)
        expect(r).toHaveLength(5)
        expect(r[3]).toBe(0)
        expect(r[4]).toBe(0)
        expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12)
        for (const x of r.slice(0, 3)) expect(x).toBeGreaterThan(0)
      }
    }
  })

  it('gives the same answer with and without an all-ones mask', () => {
    const w = randomLayers(2, 3, 4, [1, 1, 1, 1], 3)
    expect(attentionRollout(w, 0, [1, 1, 1, 1])).toEqual(attentionRollout(w, 0))
  })

  it('refuses a padded pooled token, a bad index and mismatched shapes', () => {
    expect(() => attentionRollout(weights, 1, [1, 0])).toThrow(/padding/)
    expect(() => attentionRollout(weights, 2)).toThrow(/outside/)
    expect(() => attentionRollout(weights, 0, [1])).toThrow(/mask/)
    expect(() => attentionRollout([], 0)).toThrow(/no layers/)
    expect(() => attentionRollout([weights[0], [[[1]]]], 0)).toThrow(/layer 1/)
  })
})
