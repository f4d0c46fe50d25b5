import { describe, expect, it } from 'vitest'
import { predictBaseline, trainBaseline } from '../../../../src/main/engine/baseline'
import type { JobData } from '../../../../src/shared/trainer-protocol'

/** Three classes, each marked by its own word among shared filler: linearly separable. */
function separable(n: number, offset: number) {
  const fill = ['report', 'today', 'city', 'new', 'people', 'said', 'very', 'week', 'plan', 'local']
  const markers = ['goalkeeper', 'dividend', 'senator']
  const texts: string[] = []
  const labels: number[] = []
  for (let i = 0; i < n; i++) {
    const y = (i + offset) % 3
    const words = Array.from({ length: 5 + (i % 4) }, (_, j) => fill[(i * 7 + j * 3 + offset) % fill.length])
    words.splice(i % words.length, 0, markers[y])
    texts.push(words.join(' '))
    labels.push(y)
  }
  return { texts, labels, indices: texts.map((_, i) => offset * 1000 + i) }
}

function dataset(): JobData {
  const train = separable(60, 0)
  return { labels: ['sport', 'money', 'politics'], train: { texts: train.texts, labels: train.labels }, validation: separable(21, 1), test: separable(30, 2) }
}

describe('classic baseline (TF-IDF + logistic regression)', () => {
  it('learns a linearly separable set perfectly', () => {
    const { model, metrics } = trainBaseline(dataset())
    expect(metrics.kind).toBe('tfidf-logreg')
    expect(metrics.accuracy).toBe(1)
    expect(metrics.macroF1).toBe(1)
    expect(metrics.validation.accuracy).toBe(1)
    const preds = predictBaseline(model, ['the senator said today', 'a dividend this week', 'goalkeeper'])
    expect(preds.map((p) => p.label)).toEqual(['politics', 'money', 'sport'])
    for (const p of preds) expect(Object.values(p.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
  })

  it('is scored on the test rows the run reports, with a 95% interval on their count', () => {
    const data = dataset()
    const honest = trainBaseline(data).metrics
    expect(honest.split).toBe('test')
    expect(honest.rows).toBe(30)
    expect(honest.validation.rows).toBe(21)
    expect(honest.accuracyInterval!.low).toBeGreaterThan(0.8)
    expect(honest.accuracyInterval!.high).toBe(1)
    // Relabel a third of the test rows wrongly: the reported accuracy follows those rows, and
    // validation (what chose C) does not move.
    const test = data.test!
    const flipped = { ...data, test: { ...test, labels: test.labels.map((y, i) => (i % 3 === 0 ? (y + 1) % 3 : y)) } }
    const m = trainBaseline(flipped).metrics
    expect(m.accuracy).toBeCloseTo(20 / 30, 9)
    expect(m.validation).toEqual(honest.validation)
    expect(m.C).toBe(honest.C)
  })

  it('falls back to the validation rows when the dataset has no test split', () => {
    const { test: _unused, ...noTest } = dataset()
    const m = trainBaseline(noTest).metrics
    expect(m.split).toBe('validation')
    expect(m.rows).toBe(21)
    expect(m.accuracy).toBe(m.validation.accuracy)
  })
})
