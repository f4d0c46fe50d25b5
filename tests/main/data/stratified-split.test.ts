import { describe, expect, it } from 'vitest'
import { checkSplitSpec, resolveSplits, splitSizes, stratifiedSplit } from '../../../src/main/data/stratified-split'
import { splitCodes } from '../../../src/main/data/types'

const spec = { train: 0.8, validation: 0.1, test: 0.1, seed: 42 }
const countOf = (codes: Uint8Array, groups: number[], g: number, code: number) => groups.filter((x, i) => x === g && codes[i] === code).length

describe('stratifiedSplit', () => {
  it('cuts each class by the ratios', () => {
    const groups = [...Array(100).fill(0), ...Array(50).fill(1)]
    const codes = stratifiedSplit(groups, spec)
    expect([countOf(codes, groups, 0, 1), countOf(codes, groups, 0, 2), countOf(codes, groups, 0, 3)]).toEqual([80, 10, 10])
    expect([countOf(codes, groups, 1, 1), countOf(codes, groups, 1, 2), countOf(codes, groups, 1, 3)]).toEqual([40, 5, 5])
  })

  it('keeps at least one example of a small class in every split where possible', () => {
    expect(splitSizes(3, spec)).toEqual({ train: 1, validation: 1, test: 1 })
    expect(splitSizes(2, spec)).toEqual({ train: 1, validation: 1, test: 0 })
    expect(splitSizes(1, spec)).toEqual({ train: 1, validation: 0, test: 0 })
    expect(splitSizes(5, { ...spec, test: 0, train: 0.9 })).toEqual({ train: 4, validation: 1, test: 0 })
  })

  it('is the same for the same seed and different for another', () => {
    const groups = Array.from({ length: 200 }, (_, i) => i % 3)
    expect(stratifiedSplit(groups, spec)).toEqual(stratifiedSplit(groups, spec))
    expect(stratifiedSplit(groups, spec)).not.toEqual(stratifiedSplit(groups, { ...spec, seed: 43 }))
  })

  it('refuses ratios that do not add up to 100%', () => {
    expect(() => checkSplitSpec({ train: 0.5, validation: 0.1, test: 0.1, seed: 1 })).toThrow(/add up to 70%/)
    expect(checkSplitSpec({ train: 0.7, validation: 0.2, test: 0.1, seed: 1 }).train).toBeCloseTo(0.7)
  })
})

describe('resolveSplits', () => {
  it('keeps declared splits and splits only the undeclared rows', () => {
    const groups = Array.from({ length: 40 }, (_, i) => i % 2)
    const declared = new Uint8Array(40)
    for (let i = 0; i < 20; i++) declared[i] = i < 10 ? splitCodes.train : i < 15 ? splitCodes.validation : splitCodes.test
    const { codes, note } = resolveSplits(groups, declared, spec)
    for (let i = 0; i < 20; i++) expect(codes[i]).toBe(declared[i])
    expect([...codes.slice(20)].every((c) => c >= 1 && c <= 3)).toBe(true)
    expect(note).toMatch(/20 rows without a split value/)
  })

  it('carves validation out of train when the file declares none', () => {
    const groups = Array.from({ length: 60 }, (_, i) => i % 2)
    const declared = new Uint8Array(60).map((_, i) => (i < 50 ? splitCodes.train : splitCodes.test))
    const { codes, note } = resolveSplits(groups, declared, spec)
    expect([...codes.slice(50)].every((c) => c === splitCodes.test)).toBe(true)
    const validation = [...codes].filter((c) => c === splitCodes.validation).length
    expect(validation).toBeGreaterThan(0)
    expect(validation).toBeLessThan(10)
    expect(note).toMatch(/no validation rows/)
  })
})
