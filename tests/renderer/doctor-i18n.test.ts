// @vitest-environment happy-dom
/// <reference types="vite/client" />
import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import DoctorReportView from '../../src/renderer/src/components/DoctorReport.vue'
import en from '../../src/renderer/src/i18n/en'
import { setLocale } from '../../src/renderer/src/i18n'
import zhCN from '../../src/renderer/src/i18n/zh-cn'
import type { DoctorFinding, DoctorReport } from '../../src/shared/api'
import { freshApp, plugins } from './setup'

// The doctor's source, to list every finding and fix id it can report.
const doctorSource = Object.values(import.meta.glob(['../../src/main/data/doctor.ts', '../../src/main/data/table-doctor.ts', '../../src/main/data/image-doctor.ts'], { query: '?raw', import: 'default', eager: true })).join('\n') as string

const report = (findings: DoctorFinding[]): DoctorReport => ({ datasetId: 'd1', versionId: 'v1', ok: !findings.some((f) => f.severity === 'blocking'), findings })

async function show(r: DoctorReport, locale: 'en' | 'zh-CN') {
  const wrapper = mount(DoctorReportView, { props: { report: r }, global: { plugins: await plugins() } })
  setLocale(locale)
  await nextTick()
  return wrapper
}

beforeEach(() => {
  freshApp()
})
afterEach(() => setLocale('en'))

describe('dataset doctor texts', () => {
  const dupes: DoctorFinding = {
    id: 'exact-duplicates',
    severity: 'warning',
    title: 'Exact duplicates',
    detail: '1,234 rows (12.5%) repeat an earlier row word for word with the same label.',
    count: 1234,
    examples: [],
    params: { n: 1234, percent: '12.5%' },
    fixes: [{ id: 'dedupe-exact', label: 'Keep one copy, remove 1,234 duplicates', params: { n: 1234 } }],
  }

  it('shows Chinese titles, details and fix labels with the numbers from params', async () => {
    const tooLong: DoctorFinding = {
      id: 'too-long',
      severity: 'info',
      title: 'Texts longer than the sequence length (128)',
      detail: 'English detail',
      count: 7,
      examples: [],
      params: { n: 7, percent: '3.5%', seqLen: 128, p95: 200, variant: 'suggest' },
      fixes: [],
    }
    const w = await show(report([dupes, tooLong]), 'zh-CN')
    const dup = w.get('[data-finding="exact-duplicates"]').text()
    expect(dup).toContain('完全重复')
    expect(dup).toContain('1,234 行（12.5%）与前面某一行逐字相同')
    expect(dup).not.toContain('Exact duplicates')
    expect(w.get('[data-fix="dedupe-exact"]').text()).toBe('每组只保留一份，删除 1,234 个重复行')
    const long = w.get('[data-finding="too-long"]').text()
    expect(long).toContain('超过序列长度（128）的文本')
    expect(long).toContain('把序列长度设为 200 即可覆盖它们')
  })

  it('uses the English plural forms and switches language without a reload', async () => {
    const one: DoctorFinding = { ...dupes, params: { n: 1, percent: '0.1%' }, fixes: [{ id: 'dedupe-exact', label: 'x', params: { n: 1 } }] }
    const w = await show(report([one]), 'en')
    expect(w.get('[data-finding="exact-duplicates"]').text()).toContain('1 row (0.1%) repeats an earlier row')
    expect(w.get('[data-fix="dedupe-exact"]').text()).toBe('Keep one copy, remove 1 duplicate')
    setLocale('zh-CN')
    await nextTick()
    expect(w.get('[data-fix="dedupe-exact"]').text()).toBe('每组只保留一份，删除 1 个重复行')
  })

  it("falls back to the server's English for an unknown id or a finding without params", async () => {
    const unknown: DoctorFinding = {
      id: 'brand-new-check',
      severity: 'warning',
      title: 'A check this UI does not know',
      detail: 'Its English detail, 3 rows.',
      count: 3,
      examples: [],
      params: { n: 3 },
      fixes: [{ id: 'brand-new-fix', label: 'Fix it the new way', params: { n: 3 } }],
    }
    const old: DoctorFinding = { ...dupes, title: 'Old server title', detail: 'Old server detail', params: undefined, fixes: [{ id: 'dedupe-exact', label: 'Old fix label' }] }
    const w = await show(report([unknown, old]), 'zh-CN')
    const u = w.get('[data-finding="brand-new-check"]').text()
    expect(u).toContain('A check this UI does not know')
    expect(u).toContain('Its English detail, 3 rows.')
    expect(w.get('[data-fix="brand-new-fix"]').text()).toBe('Fix it the new way')
    expect(w.get('[data-finding="exact-duplicates"]').text()).toContain('Old server detail')
    expect(w.get('[data-fix="dedupe-exact"]').text()).toBe('Old fix label')
  })

  it('has English and Chinese texts for every finding and fix id the doctor can report', () => {
    const findingIds = new Set<string>()
    const fixIds = new Set<string>()
    // Finding ids are pushed as `id: '...'` followed by a severity; fix ids sit in `{ id: '...', label`.
    for (const m of doctorSource.matchAll(/id: '([a-z-]+)',\s*severity/g)) findingIds.add(m[1])
    for (const m of doctorSource.matchAll(/\{ id: '([a-z-]+)', label/g)) fixIds.add(m[1])
    expect(findingIds.size).toBe(20)
    expect(fixIds.size).toBe(11)
    for (const msgs of [en, zhCN]) {
      const finding = msgs.doctor.finding as Record<string, { title: string; detail: string }>
      const fix = msgs.doctor.fix as Record<string, string>
      expect(Object.keys(finding).sort()).toEqual([...findingIds].sort())
      expect(Object.keys(fix).sort()).toEqual([...fixIds].sort())
    }
  })
})
