// @vitest-environment happy-dom
/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'
import en from '../../src/renderer/src/i18n/en'
import zhCN from '../../src/renderer/src/i18n/zh-cn'

function keys(o: unknown, prefix = ''): string[] {
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}
// Every source file of the renderer, as text.
const sources = import.meta.glob('../../src/renderer/src/**/*.{vue,ts}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>

describe('translations', () => {
  it('English and Simplified Chinese have exactly the same keys', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort())
  })

  it('every Chinese string is filled in', () => {
    for (const k of keys(zhCN)) {
      const v = k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], zhCN)
      expect(typeof v === 'string' && v.length > 0, k).toBe(true)
    }
  })

  it('every literal key the UI uses exists', () => {
    const known = new Set(keys(en))
    const missing: string[] = []
    expect(Object.keys(sources).length).toBeGreaterThan(20)
    for (const [f, text] of Object.entries(sources)) {
      for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_.-]+)'/g)) if (!known.has(m[1])) missing.push(`${f}: ${m[1]}`)
    }
    expect(missing).toEqual([])
  })

  it('placeholders match between languages', () => {
    const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
    for (const k of keys(en)) {
      const get = (o: unknown) => k.split('.').reduce<unknown>((x, p) => (x as Record<string, unknown>)[p], o) as string
      expect(ph(get(zhCN)), k).toEqual(ph(get(en)))
    }
  })
})

describe('messages compile', () => {
  it('every message renders in both languages without a syntax error (for example a bare @ or |)', async () => {
    const { i18n } = await import('../../src/renderer/src/i18n')
    const problems: string[] = []
    const g = i18n.global as unknown as { t: (k: string, p?: Record<string, unknown>) => string; locale: { value: string } }
    for (const locale of ['en', 'zh-CN']) {
      g.locale.value = locale
      for (const k of keys(en)) {
        try {
          const out = g.t(k, new Proxy({}, { get: () => 'x', has: () => true }))
          if (out === k) problems.push(`${locale} ${k}`)
        } catch (err) {
          problems.push(`${locale} ${k}: ${(err as Error).message}`)
        }
      }
    }
    expect(problems).toEqual([])
  })
})
