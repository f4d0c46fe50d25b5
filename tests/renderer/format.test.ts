// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { formatDuration } from '../../src/renderer/src/lib/format'

describe('formatDuration', () => {
  it('writes durations in the UI language', () => {
    expect(formatDuration(3725, 'en')).toBe('1 h 2 min')
    expect(formatDuration(64, 'en')).toBe('1 min 4 s')
    expect(formatDuration(12, 'en')).toBe('12 s')
    expect(formatDuration(64, 'zh-CN')).toBe('1分钟 4秒')
    expect(formatDuration(3725, 'zh-CN')).toBe('1小时 2分钟')
    expect(formatDuration(null, 'zh-CN')).toBe('—')
  })
})
