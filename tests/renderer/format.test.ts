// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { formatCount, formatDuration } from '../../src/renderer/src/lib/format'

describe('formatDuration', () => {
  it('writes durations in the UI language', () => {
    expect(formatDuration(3725, 'en')).toBe('1 h 2 min')
    expect(formatDuration(64, 'en')).toBe('1 min 4 s')
    expect(formatDuration(12, 'en')).toBe('12 s')
    expect(formatDuration(64, 'zh-CN')).toBe('1分钟 4秒')
    expect(formatDuration(3725, 'zh-CN')).toBe('1小时 2分钟')
    expect(formatDuration(null, 'zh-CN')).toBe('—')
  })

  it('writes counts in the UI language', () => {
    expect(formatCount(1234567, 'en')).toBe('1.23M')
    expect(formatCount(1234567, 'zh-CN')).toBe('123.5万')
    expect(formatCount(4321, 'zh-CN')).toBe('4,321')
  })
})
