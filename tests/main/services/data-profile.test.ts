import { describe, expect, it } from 'vitest'
import { profileOf } from '../../../src/main/services/data-profile'

describe('profileOf', () => {
  it('counts rows, token-length percentiles, characters and distinct words of the training split', () => {
    const texts = Array.from({ length: 100 }, (_, i) => Array.from({ length: i + 1 }, (_, j) => `w${j % 10}`).join(' '))
    const p = profileOf({ labels: ['a', 'b'], train: { texts, labels: texts.map((_, i) => i % 2) } })
    expect(p.nTrain).toBe(100)
    expect(p.nClasses).toBe(2)
    expect(p.tokens).toEqual({ p50: 51, p90: 91, p95: 96, max: 100 })
    expect(p.distinctWords).toBe(10)
  })

  it('counts CJK characters one by one and punctuation as tokens', () => {
    const p = profileOf({ labels: ['a', 'b'], train: { texts: ['今天天气很好。', 'Hello, world!'], labels: [0, 1] } })
    expect(p.tokens.max).toBe(7)
    expect(p.tokens.p50).toBe(7)
  })
})
