import { describe, expect, it } from 'vitest'
import { tableFeatures, trainTableBaseline } from '../../../src/main/engine/baseline/table-baseline'
import { sizeTablePreset } from '../../../src/shared/preset-sizing-table'
import { guessTableColumns } from '../../../src/shared/table-guess'
import { fitTablePrep } from '../../../src/shared/table-prep'

/** A linear task: "up" when 2a - b + (colour blue ? 1 : 0) > 0. */
function linear(n: number, seed: number) {
  let s = seed
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  return Array.from({ length: n }, () => {
    const a = rnd() * 2 - 1
    const b = rnd() * 2 - 1
    const colour = rnd() < 0.5 ? 'blue' : 'red'
    return { a: a.toFixed(3), b: b.toFixed(3), colour, label: 2 * a - b + (colour === 'blue' ? 1 : 0) > 0 ? 'up' : 'down' }
  })
}

describe('table baseline', () => {
  it('encodes scaled numbers with a missing flag and one-hot categories (missing, other, values)', () => {
    const train = linear(50, 1)
    const prep = fitTablePrep(guessTableColumns(['a', 'b', 'colour', 'label'], train), train)
    const [row] = tableFeatures(prep, [{ a: '', b: '0.5', colour: 'green' }])
    // a missing -> its flag (1); b scaled at 2; colour unseen -> "other" (offset 4 + 1)
    expect(Array.from(row!.idx)).toEqual([1, 2, 5])
    expect(row!.val[0]).toBe(1)
    expect(row!.val[1]).toBeCloseTo(Math.max(-10, Math.min(10, (0.5 - prep.numeric[1]!.median) / prep.numeric[1]!.scale)), 6)
  })

  it('learns a linear table well above chance, C chosen on validation, scored on test', () => {
    const train = linear(300, 2)
    const prep = fitTablePrep(guessTableColumns(['a', 'b', 'colour', 'label'], train), train)
    const split = (rows: ReturnType<typeof linear>) => ({ cells: rows, labels: rows.map((r) => prep.labels.indexOf(r.label)) })
    const { metrics, model } = trainTableBaseline(prep, { train: split(train), validation: split(linear(80, 3)), test: split(linear(100, 4)) })
    expect(metrics.kind).toBe('table-logreg')
    expect(metrics.split).toBe('test')
    expect(metrics.rows).toBe(100)
    expect(metrics.accuracy).toBeGreaterThan(0.9)
    expect(model.logistic.nFeatures).toBe(2 * 2 + 2 + 2)
  })
})

describe('presets sized for tables', () => {
  it('keeps every preset small, and gives fewer rows more epochs up to the cap', () => {
    for (const p of ['quick', 'balanced', 'thorough'] as const) {
      const s = sizeTablePreset(p, 100)
      expect((s.config.model as { dModel: number }).dModel).toBeLessThanOrEqual(64)
    }
    const small = sizeTablePreset('balanced', 100).config.train as { epochs: number }
    const big = sizeTablePreset('balanced', 20_000).config.train as { epochs: number }
    expect(small.epochs).toBe(100)
    expect(big.epochs).toBe(20)
  })
})
