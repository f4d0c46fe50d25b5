import { describe, expect, it } from 'vitest'
import { diagnose, duplicatePositions } from '../../../src/main/data/doctor'
import { planFixes } from '../../../src/main/data/fixes'
import { oversampleExtras } from '../../../src/main/data/oversample'
import { collectFacts } from '../../../src/main/data/row-facts'
import type { StoredRow } from '../../../src/main/data/types'
import { hash53, nearForm } from '../../../src/main/data/text-keys'

const rows = (list: [string, string | null, StoredRow['split']?][]): StoredRow[] => list.map(([text, label, split], idx) => ({ idx, text, label, split: split ?? 'train' }))
const base = (n: number): [string, string][] => Array.from({ length: n }, (_, i) => [`sample text ${i}`, i % 2 ? 'a' : 'b'])
const opts = { seqLen: 128, splitFromColumn: false, oversampled: false }

describe('diagnose', () => {
  it('finds nothing wrong in clean, balanced data', () => {
    expect(diagnose(collectFacts(rows(base(60))), opts)).toEqual([])
  })

  it('tells exact from near duplicates and counts each once', () => {
    const f = collectFacts(rows([...base(40), ['sample text 1', 'a'], ['sample text 1', 'a'], ['Sample   TEXT 3.', 'a'], [' sample text 5 ', 'a']]))
    expect(duplicatePositions(f, 'exact').dup).toEqual([40, 41, 43])
    expect(duplicatePositions(f, 'near').dup).toEqual([42])
  })

  it('does not call the same text with another label a duplicate, but a conflict', () => {
    const ids = diagnose(collectFacts(rows([...base(40), ['sample text 1', 'b']])), opts).map((x) => x.id)
    expect(ids).toContain('conflicting-labels')
    expect(ids).not.toContain('exact-duplicates')
  })

  it('warns under 20 examples and blocks under 5', () => {
    const f = collectFacts(rows([...base(60), ...Array.from({ length: 12 }, (_, i): [string, string] => [`mid ${i}`, 'mid']), ['t1', 'tiny'], ['t2', 'tiny']]))
    const byId = Object.fromEntries(diagnose(f, opts).map((x) => [x.id, x]))
    expect(byId['few-examples']).toMatchObject({ severity: 'warning', count: 12 })
    expect(byId['too-few-examples']).toMatchObject({ severity: 'blocking', count: 2 })
  })

  it('blocks data without labels', () => {
    const f = collectFacts(rows(base(10).map(([t]) => [t, null])))
    expect(diagnose(f, opts).map((x) => [x.id, x.severity])).toEqual([['no-labels', 'blocking']])
  })
})

describe('planFixes', () => {
  it('normalises label spellings to the most common one, trimmed', () => {
    const f = collectFacts(rows([...base(10), ['x1', 'A '], ['x2', ' a'], ['x3', 'B']]))
    const plan = planFixes(f, ['normalize-labels'])
    expect(plan.labels.slice(10)).toEqual(['a', 'a', 'b'])
    expect(plan.changes).toBe(3)
  })

  it('applies fixes in a fixed order, each seeing the previous ones', () => {
    // After merging "A" into "a" the text has one label, so there is no conflict left to drop.
    const f = collectFacts(rows([...base(10), ['same', 'a'], ['same', 'A']]))
    const plan = planFixes(f, ['drop-conflicts', 'normalize-labels'])
    expect([...plan.keep]).toEqual(Array(12).fill(1))
    const withDedupe = planFixes(f, ['normalize-labels', 'dedupe-exact'])
    expect([...withDedupe.keep.slice(10)]).toEqual([1, 0])
  })

  it('drops a tied conflict when keeping the majority label', () => {
    const f = collectFacts(rows([...base(10), ['tie', 'a'], ['tie', 'b'], ['maj', 'a'], ['maj', 'a'], ['maj', 'b']]))
    const plan = planFixes(f, ['conflicts-majority'])
    expect([...plan.keep.slice(10)]).toEqual([0, 0, 1, 1, 1])
    expect(plan.labels.slice(12)).toEqual(['a', 'a', 'a'])
  })

  it('refuses unknown and contradictory fixes', () => {
    const f = collectFacts(rows(base(4)))
    expect(() => planFixes(f, ['nope'])).toThrow(/Unknown fix "nope"/)
    expect(() => planFixes(f, ['drop-conflicts', 'conflicts-majority'])).toThrow(/Choose one fix/)
  })
})

describe('helpers', () => {
  it('oversamples every class up to the largest, at most 20 times its size, deterministically', () => {
    const labels = [...Array(100).fill(0), ...Array(30).fill(1), ...Array(2).fill(2)]
    const extras = oversampleExtras(labels, 1)
    const count = (c: number) => extras.filter((p) => labels[p] === c).length
    expect([count(0), count(1), count(2)]).toEqual([0, 70, 38])
    expect(oversampleExtras(labels, 1)).toEqual(extras)
  })

  it('hashes stably and near forms ignore case, punctuation and spacing', () => {
    expect(hash53('abc')).toBe(hash53('abc'))
    expect(hash53('abc')).not.toBe(hash53('abd'))
    expect(nearForm('  Hello,   WORLD!! ')).toBe('hello world')
    expect(nearForm('Ｆｕｌｌ－ｗｉｄｔｈ')).toBe('full width')
  })
})
