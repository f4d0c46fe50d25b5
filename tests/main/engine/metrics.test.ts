import { describe, expect, it } from 'vitest'
import { classificationMetrics } from '../../../src/main/engine/metrics'

// Hand-computed case, labels a b c; class c is never predicted.
//   true: a a a b b c      pred: a a b b b a
//   confusion (row true, col pred): a [2 1 0]  b [0 2 0]  c [1 0 0]
//   a: P 2/3 R 2/3 F1 2/3 (support 3); b: P 2/3 R 1 F1 0.8 (support 2); c: P 0 R 0 F1 0 (support 1)
//   accuracy 4/6; macro F1 (2/3 + 0.8 + 0) / 3; weighted F1 (2/3*3 + 0.8*2) / 6 = 0.6
const labels = ['a', 'b', 'c']
const trueIdx = [0, 0, 0, 1, 1, 2]
const predIdx = [0, 0, 1, 1, 1, 0]
const probs = [
  [0.95, 0.03, 0.02], // bin 9, correct
  [0.85, 0.1, 0.05], // bin 8, correct
  [0.3, 0.55, 0.15], // bin 5, wrong
  [0.2, 0.65, 0.15], // bin 6, correct
  [0.05, 0.92, 0.03], // bin 9, correct
  [0.4, 0.3, 0.3], // bin 4, wrong
]

function hasNaN(x: unknown): boolean {
  if (typeof x === 'number') return !Number.isFinite(x)
  if (Array.isArray(x)) return x.some(hasNaN)
  if (x && typeof x === 'object') return Object.values(x).some(hasNaN)
  return false
}

describe('classificationMetrics', () => {
  const m = classificationMetrics(trueIdx, predIdx, probs, labels, 0.7)

  it('computes accuracy and the confusion matrix with rows as true labels', () => {
    expect(m.accuracy).toBeCloseTo(4 / 6, 12)
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ])
    expect(m.labels).toEqual(labels)
    expect(m.loss).toBe(0.7)
  })

  it('computes per-class precision, recall, F1 and support', () => {
    expect(m.perClass.a.precision).toBeCloseTo(2 / 3, 12)
    expect(m.perClass.a.recall).toBeCloseTo(2 / 3, 12)
    expect(m.perClass.a.f1).toBeCloseTo(2 / 3, 12)
    expect(m.perClass.a.support).toBe(3)
    expect(m.perClass.b.precision).toBeCloseTo(2 / 3, 12)
    expect(m.perClass.b.recall).toBe(1)
    expect(m.perClass.b.f1).toBeCloseTo(0.8, 12)
    expect(m.perClass.b.support).toBe(2)
  })

  it('gives a class that is never predicted zeros, not NaN', () => {
    expect(m.perClass.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 })
    expect(hasNaN(m)).toBe(false)
  })

  it('averages F1 over classes (macro) and by support (weighted)', () => {
    expect(m.macroF1).toBeCloseTo((2 / 3 + 0.8) / 3, 12)
    expect(m.weightedF1).toBeCloseTo(0.6, 12)
  })

  it('bins the highest probability into 10 reliability bins', () => {
    const bins = m.calibration!
    expect(bins).toHaveLength(10)
    expect(bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 1, 2])
    expect(bins[9].accuracy).toBe(1)
    expect(bins[9].confidence).toBeCloseTo((0.95 + 0.92) / 2, 12)
    expect(bins[5]).toMatchObject({ count: 1, accuracy: 0, binStart: 0.5, binEnd: 0.6 })
    expect(bins[5].confidence).toBeCloseTo(0.55, 12)
    expect(bins[4].accuracy).toBe(0)
    expect(bins[6].accuracy).toBe(1)
    expect(bins[0]).toMatchObject({ count: 0, accuracy: 0, confidence: 0 })
  })

  it('puts a probability of exactly 1 in the last bin', () => {
    const bins = classificationMetrics([0], [0], [[1, 0]], ['x', 'y'], 0).calibration!
    expect(bins[9].count).toBe(1)
  })

  it('handles an empty evaluation set and a single class without NaN', () => {
    const empty = classificationMetrics([], [], [], labels, 0)
    expect(empty.accuracy).toBe(0)
    expect(empty.macroF1).toBe(0)
    expect(empty.calibration).toBeUndefined()
    expect(hasNaN(empty)).toBe(false)
    const one = classificationMetrics([0, 0], [0, 0], [], ['only'], 0.1)
    expect(one.accuracy).toBe(1)
    expect(one.macroF1).toBe(1)
    expect(one.weightedF1).toBe(1)
  })

  it('perfect predictions score 1 everywhere', () => {
    const p = classificationMetrics([0, 1, 2], [0, 1, 2], [], labels, 0)
    expect(p.accuracy).toBe(1)
    expect(p.macroF1).toBe(1)
    for (const l of labels) expect(p.perClass[l]).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 })
  })

  it('rejects mismatched lengths and out-of-range label indices', () => {
    expect(() => classificationMetrics([0, 1], [0], [], labels, 0)).toThrow(/2 true labels but 1 predictions/)
    expect(() => classificationMetrics([0], [3], [], labels, 0)).toThrow(/outside 0..2/)
    expect(() => classificationMetrics([0], [0], [[1], [1]], labels, 0)).toThrow(/probability rows/)
  })
})
