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

  it('gives each finding and fix the numbers and names its sentence uses', () => {
    const f = collectFacts(
      rows([
        ...base(60),
        ['', 'a'],
        ['   ', 'b'],
        ['sample text 1', 'a'],
        ['sample text 1', 'a'],
        ['sample text 1', 'a'],
        ['Sample TEXT 3!', 'a'],
        ['t1', 'tiny'],
        ['one two three four five six seven', 'b'],
      ]),
    )
    const byId = Object.fromEntries(diagnose(f, { ...opts, seqLen: 4 }).map((x) => [x.id, x]))
    expect(byId['empty-texts']).toMatchObject({ count: 2, params: { n: 2, percent: '2.9%' } })
    expect(byId['empty-texts'].fixes).toEqual([{ id: 'drop-empty', label: 'Remove the 2 empty rows', params: { n: 2 } }])
    expect(byId['exact-duplicates']).toMatchObject({ count: 3, params: { n: 3 } })
    expect(byId['exact-duplicates'].fixes[0]).toMatchObject({ id: 'dedupe-exact', params: { n: 3 } })
    expect(byId['near-duplicates']).toMatchObject({ count: 1, params: { n: 1 }, fixes: [{ id: 'dedupe-near', params: { n: 1 } }] })
    expect(byId['too-few-examples']).toMatchObject({ params: { n: 1, min: 5, classes: '"tiny" (1)', rows: 1 }, fixes: [{ id: 'drop-rare-classes', params: { n: 1, min: 5 } }] })
    // 30 "a" rows in the base plus 5 added (empty, duplicates and all) against one "tiny".
    expect(byId.imbalance.params).toEqual({ big: 'a', bigCount: 35, small: 'tiny', smallCount: 1, ratio: 35 })
    // Only the seven-word row (1 of 68) is over 4 words; 95% of rows have at most 3 words.
    expect(byId['too-long'].params).toEqual({ n: 1, percent: '1.5%', seqLen: 4, p95: 3 })
  })

  it('marks the wording variants in params', () => {
    const long = Array.from({ length: 10 }, (_, i): [string, string] => [`w ${'x '.repeat(10)}${i}`, i % 2 ? 'a' : 'b'])
    const tooLong = diagnose(collectFacts(rows(long)), { ...opts, seqLen: 4 }).find((x) => x.id === 'too-long')!
    expect(tooLong.params).toMatchObject({ n: 10, seqLen: 4, p95: 12, variant: 'suggest' })
    const leak = rows([...base(40), ['sample text 2', 'b', 'test']])
    const plain = diagnose(collectFacts(leak), opts).find((x) => x.id === 'split-leakage')!
    const fromColumn = diagnose(collectFacts(leak), { ...opts, splitFromColumn: true }).find((x) => x.id === 'split-leakage')!
    expect([plain.params, fromColumn.params]).toEqual([{ n: 1 }, { n: 1, variant: 'fromColumn' }])
    const lopsided = rows([...Array.from({ length: 50 }, (_, i): [string, string] => [`big ${i}`, 'big']), ...Array.from({ length: 5 }, (_, i): [string, string] => [`small ${i}`, 'small'])])
    const imb = diagnose(collectFacts(lopsided), { ...opts, oversampled: true }).find((x) => x.id === 'imbalance')!
    expect(imb).toMatchObject({ severity: 'info', params: { ratio: 10, variant: 'oversampled' }, fixes: [] })
  })

  it('names the only label and the label spellings in params', () => {
    const single = diagnose(collectFacts(rows(base(8).map(([t]) => [t, 'yes']))), opts).find((x) => x.id === 'single-class')!
    expect(single.params).toEqual({ label: 'yes', n: 8 })
    const variants = diagnose(collectFacts(rows([...base(40), ['x1', 'A'], ['x2', 'A']])), opts).find((x) => x.id === 'label-variants')!
    expect(variants.params).toEqual({ n: 1, rows: 2, variants: '"a" (20) / "A" (2)' })
    expect(variants.fixes[0]).toMatchObject({ id: 'normalize-labels', label: 'Merge them into "a"', params: { n: 1, labels: '"a"' } })
  })

  it("sends every value the English and Chinese texts ask for, for every finding it can report", async () => {
    // The texts live in the renderer's project; load them at run time (a computed path keeps this
    // project's type check out of the renderer's files).
    const load = async (name: string) => ((await import(['../../../src/renderer/src/i18n', name].join('/'))) as { default: Messages }).default
    type Messages = { doctor: { finding: Record<string, Record<string, string>>; fix: Record<string, string> } }
    const messy: [string, string | null, StoredRow['split']?][] = [
      ...base(40),
      ['', 'a'],
      ['no label here', null],
      ['x1', 'A'],
      ['sample text 1', 'b'],
      ['sample text 3', 'a'],
      ['Sample TEXT 5!', 'a'],
      ['sample text 2', 'b', 'test'],
      ['t1', 'tiny'],
      ...Array.from({ length: 8 }, (_, i): [string, string] => [`mid ${i}`, 'mid']),
      ['one two three four five six seven', 'b'],
    ]
    const run = (list: typeof messy, o = {}) => diagnose(collectFacts(rows(list)), { ...opts, seqLen: 4, ...o })
    const findings = [
      ...run(messy),
      ...run(messy, { splitFromColumn: true, oversampled: true, seqLen: 2 }).filter((x) => ['split-leakage', 'imbalance', 'too-long'].includes(x.id)),
      ...run(base(10).map(([t]) => [t, null])),
      ...run(base(10).map(([t]) => [t, 'same'])),
    ]
    expect(new Set(findings.map((x) => x.id)).size).toBe(13)
    expect(new Set(findings.map((x) => x.params?.variant))).toEqual(new Set([undefined, 'fromColumn', 'oversampled', 'suggest', 'ties']))
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
    for (const msgs of [await load('en'), await load('zh-cn')]) {
      for (const x of findings) {
        const texts = msgs.doctor.finding[x.id]
        const detail = texts[x.params?.variant ? `detail_${x.params.variant}` : 'detail']
        expect(detail, x.id).toBeTypeOf('string')
        for (const k of [...placeholders(texts.title), ...placeholders(detail)]) expect(x.params, `${x.id}: ${k}`).toHaveProperty(k)
        for (const fx of x.fixes) {
          expect(msgs.doctor.fix[fx.id], fx.id).toBeTypeOf('string')
          for (const k of placeholders(msgs.doctor.fix[fx.id])) expect(fx.params, `${fx.id}: ${k}`).toHaveProperty(k)
        }
      }
    }
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

  it('keeping the majority label relabels only clear majorities and leaves a tie for the user', () => {
    const f = collectFacts(rows([...base(10), ['tie', 'a'], ['tie', 'b'], ['maj', 'a'], ['maj', 'a'], ['maj', 'b']]))
    const plan = planFixes(f, ['conflicts-majority'])
    expect([...plan.keep.slice(10)]).toEqual([1, 1, 1, 1, 1])
    expect(plan.labels.slice(10)).toEqual(['a', 'b', 'a', 'a', 'a'])
    expect(plan.changes).toBe(1)
    expect(plan.notes.join(' ')).toMatch(/1 texts with a tie left as they were/)
  })

  it('says before fixing how many rows the majority fix changes, and shows the ties first', () => {
    const f = collectFacts(rows([...base(10), ['maj', 'a'], ['maj', 'a'], ['maj', 'b'], ['tie', 'a'], ['tie', 'b']]))
    const finding = diagnose(f, opts).find((x) => x.id === 'conflicting-labels')!
    const majority = finding.fixes.find((x) => x.id === 'conflicts-majority')!
    expect(majority.label).toBe('Relabel 1 row to the most common label of their text')
    expect(majority.params).toMatchObject({ n: 1, relabel: 1, ties: 1 })
    expect(finding.params).toMatchObject({ ties: 1, tieRows: 2, variant: 'ties' })
    expect(finding.detail).toMatch(/1 text has a tie/)
    expect(finding.examples.slice(0, 2)).toEqual([13, 14]) // the tie's rows come first
    // A conflict that is only ties offers no majority fix at all.
    const onlyTie = diagnose(collectFacts(rows([...base(10), ['tie', 'a'], ['tie', 'b']])), opts).find((x) => x.id === 'conflicting-labels')!
    expect(onlyTie.fixes.map((x) => x.id)).toEqual(['drop-conflicts'])
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
