import { describe, expect, it } from 'vitest'
import { accuracyInterval, wilsonInterval } from '../../src/shared/intervals'

// Reference values from the Wilson formula evaluated in Python (z = 1.959964).
describe('Wilson interval', () => {
  it('gives 52–71% for 62 right out of 100', () => {
    const i = wilsonInterval(62, 100)!
    expect(i.low).toBeCloseTo(0.5220976, 6)
    expect(i.high).toBeCloseTo(0.709024, 6)
    expect(i.level).toBe(0.95)
  })

  it('stays inside [0, 1] at 0% and 100% on few rows', () => {
    expect(wilsonInterval(0, 10)).toMatchObject({ low: 0 })
    expect(wilsonInterval(0, 10)!.high).toBeCloseTo(0.2775328, 6)
    expect(wilsonInterval(10, 10)!.low).toBeCloseTo(0.7224672, 6)
    expect(wilsonInterval(10, 10)!.high).toBeLessThanOrEqual(1)
  })

  it('narrows as rows grow and refuses impossible counts', () => {
    const small = accuracyInterval(0.62, 100)!
    const large = accuracyInterval(0.62, 10_000)!
    expect(large.high - large.low).toBeLessThan((small.high - small.low) / 5)
    expect(wilsonInterval(5, 0)).toBeNull()
    expect(wilsonInterval(11, 10)).toBeNull()
  })
})
