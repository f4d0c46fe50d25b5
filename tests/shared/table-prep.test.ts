// The column guesser tells numeric, categorical, id, label and text columns apart and says why; the
// preprocessing fits on training rows only (median / IQR, category lists, labels) and encodes rows to the
// table encoder's inputs, with missing cells and unseen categories on their own ids.
import { describe, expect, it } from 'vitest'
import { guessTableColumns, isMissing } from '../../src/shared/table-guess'
import { clip, encodeTableRows, fitTablePrep, tableColumnsOf } from '../../src/shared/table-prep'

function table(n: number): Record<string, string>[] {
  const colours = ['red', 'green', 'blue']
  return Array.from({ length: n }, (_, i) => ({
    id: String(1000 + i * 7),
    height: i % 9 === 0 ? 'NA' : String(150 + ((i * 37) % 50)),
    colour: colours[i % 3]!,
    comment: `row ${i} was measured on a sunny day number ${i}`,
    species: i % 2 ? 'setosa' : 'virginica',
  }))
}

describe('column guesser', () => {
  const rows = table(40)
  const guesses = guessTableColumns(['id', 'height', 'colour', 'comment', 'species'], rows)
  const kind = (name: string) => guesses.find((g) => g.name === name)!

  it('tells id, numeric, categorical, text and label columns apart, each with a reason', () => {
    expect(guesses.map((g) => [g.name, g.kind])).toEqual([['id', 'id'], ['height', 'numeric'], ['colour', 'categorical'], ['comment', 'text'], ['species', 'label']])
    expect(kind('id').reason).toMatch(/identifier/)
    expect(kind('height').reason).toMatch(/number/)
    expect(kind('colour').reason).toMatch(/3 different/)
    expect(kind('comment').reason).toMatch(/sentences/)
    expect(kind('species').reason).toMatch(/name, "species"/)
    for (const g of guesses) expect(g.reason.length).toBeGreaterThan(10)
  })

  it('counts missing cells and reads the usual missing markers', () => {
    expect(kind('height').missing).toBe(5)
    for (const m of ['', ' ', 'NA', 'n/a', 'NaN', 'null', '?']) expect(isMissing(m)).toBe(true)
    expect(isMissing('0')).toBe(false)
  })

  it('takes the last categorical column as the label when none is named like one, and honours a chosen label', () => {
    const rows2 = rows.map((r) => ({ a: r.height, kind: r.colour, outcomeName: r.species }))
    expect(guessTableColumns(['a', 'kind', 'outcomeName'], rows2).find((g) => g.kind === 'label')!.name).toBe('outcomeName')
    const chosen = guessTableColumns(['a', 'kind', 'outcomeName'], rows2, 'kind')
    expect(chosen.find((g) => g.kind === 'label')).toMatchObject({ name: 'kind', reason: 'You chose it as the label.' })
    expect(() => guessTableColumns(['a'], rows2, 'nope')).toThrow(/no column named "nope"/)
  })

  it('calls a column that counts up by one a row number, not a measurement', () => {
    const g = guessTableColumns(['n', 'y'], Array.from({ length: 12 }, (_, i) => ({ n: String(i + 1), y: i % 2 ? 'a' : 'b' })))
    expect(g[0]).toMatchObject({ kind: 'id' })
    expect(g[0]!.reason).toMatch(/counts up by one/)
  })
})

describe('table preprocessing', () => {
  const rows = table(40)
  const guesses = guessTableColumns(['id', 'height', 'colour', 'comment', 'species'], rows)

  it('fits median and interquartile range on the training rows, and lists categories by frequency', () => {
    const train = [
      { x: '1', c: 'b', y: 'no' },
      { x: '2', c: 'a', y: 'yes' },
      { x: '3', c: 'b', y: 'no' },
      { x: '4', c: 'NA', y: 'yes' },
      { x: '1000', c: 'b', y: 'no' },
    ]
    const prep = fitTablePrep(guessTableColumns(['x', 'c', 'y'], train, 'y'), train)
    expect(prep.numeric).toEqual([{ name: 'x', median: 3, scale: 2 }]) // quartiles 2 and 4
    expect(prep.categorical).toEqual([{ name: 'c', values: ['b', 'a'] }])
    expect(prep.labels).toEqual(['no', 'yes'])
    expect(tableColumnsOf(prep)).toEqual({ numeric: ['x'], categorical: [{ name: 'c', size: 2 }] })
    const enc = encodeTableRows(prep, [...train, { x: '?', c: 'zebra', y: 'maybe' }])
    expect(enc.width).toBe(2)
    expect(Array.from(enc.values.filter((_, i) => i % 2 === 0))).toEqual([-1, -0.5, 0, 0.5, clip, 0]) // 1000 clipped; '?' missing
    expect(Array.from(enc.ids)).toEqual([0, 2, 0, 3, 0, 2, 0, 0, 0, 2, 1, 1]) // b=2, a=3, NA=0 (missing), zebra=1 (other); '?' numeric -> 1
    expect(enc.labels).toEqual([0, 1, 0, 1, 0, -1])
  })

  it('keeps only numeric and categorical columns, in the model token order, and leaves ids and text out', () => {
    const prep = fitTablePrep(guesses, rows.slice(0, 30))
    expect(tableColumnsOf(prep)).toEqual({ numeric: ['height'], categorical: [{ name: 'colour', size: 3 }] })
    const enc = encodeTableRows(prep, rows.slice(30))
    expect(enc.ids.length).toBe(10 * 2)
    expect(enc.labels.every((l) => l === 0 || l === 1)).toBe(true)
  })

  it('refuses a table without a label, without features, or with a single label value, in a sentence', () => {
    expect(() => fitTablePrep(guesses.map((g) => ({ ...g, kind: g.kind === 'label' ? 'categorical' : g.kind })), rows)).toThrow(/no label column/)
    expect(() => fitTablePrep(guesses.filter((g) => g.kind === 'label' || g.kind === 'id'), rows)).toThrow(/no numeric or categorical column/)
    expect(() => fitTablePrep(guesses, rows.filter((r) => r.species === 'setosa'))).toThrow(/at least two different values/)
  })
})
