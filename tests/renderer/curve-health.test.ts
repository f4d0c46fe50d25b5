// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { MetricPoint } from '../../src/shared/domain'
import { curveWarnings } from '../../src/renderer/src/lib/curve-health'
import { smooth } from '../../src/renderer/src/lib/smoothing'

function train(losses: number[], stepsPerEpoch = 10): MetricPoint[] {
  return losses.map((loss, i) => ({ step: i + 1, epoch: Math.floor(i / stepsPerEpoch), split: 'train', loss, time: i }))
}
function val(losses: number[], stepsPerEpoch = 10): MetricPoint[] {
  return losses.map((loss, e) => ({ step: (e + 1) * stepsPerEpoch, epoch: e + 1, split: 'validation', loss, time: e }))
}
const kinds = (pts: MetricPoint[]) => curveWarnings(pts).map((w) => w.kind)

describe('curve warnings', () => {
  it('says nothing about a healthy, falling loss', () => {
    const t = train(Array.from({ length: 60 }, (_, i) => 1.5 * Math.exp(-i / 15) + 0.2))
    expect(kinds([...t, ...val([0.9, 0.6, 0.5, 0.45, 0.44, 0.43])])).toEqual([])
  })

  it('spots overfitting: validation loss rising for two epochs while training loss falls', () => {
    const t = train(Array.from({ length: 60 }, (_, i) => 1.5 * Math.exp(-i / 15) + 0.05))
    expect(kinds([...t, ...val([0.8, 0.6, 0.55, 0.6, 0.7, 0.8])])).toContain('overfitting')
  })

  it('spots divergence', () => {
    const t = train([...Array.from({ length: 20 }, (_, i) => 1 - i * 0.02), ...Array.from({ length: 20 }, (_, i) => 0.6 + i * 0.3)])
    expect(kinds(t)).toContain('diverging')
  })

  it('spots a loss that became NaN', () => {
    expect(kinds(train([1, 0.9, NaN]))).toEqual(['notFinite'])
  })

  it('spots a stuck loss', () => {
    const t = train(Array.from({ length: 60 }, (_, i) => 0.693 + 0.001 * Math.sin(i)))
    expect(kinds(t)).toContain('stuck')
  })
})

describe('smoothing', () => {
  it('returns the input unchanged at weight 0 and flattens noise otherwise', () => {
    const noisy = Array.from({ length: 50 }, (_, i) => (i % 2 ? 1 : 0))
    expect(smooth(noisy, 0)).toEqual(noisy)
    const s = smooth(noisy, 0.9)
    const spread = (xs: number[]) => Math.max(...xs.slice(25)) - Math.min(...xs.slice(25))
    expect(spread(s)).toBeLessThan(0.3)
    // Debiased: the first point equals the first value, not a fraction of it.
    expect(smooth([2, 2, 2], 0.9)[0]).toBeCloseTo(2)
  })
})
