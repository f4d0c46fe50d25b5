// The plan's warnings reach the UI as codes with their numbers and are worded in the UI's language;
// a code without a text falls back to the server's sentence.
import { describe, expect, it } from 'vitest'
import { i18n } from '../../src/renderer/src/i18n'
import { planWarningTexts } from '../../src/renderer/src/lib/plan-warnings'
import type { RunPlan } from '../../src/shared/api'

const plan: Pick<RunPlan, 'warnings' | 'warningCodes'> = {
  warnings: ['The vocabulary (1500) is large for 128 examples, which can teach about 512 entries; most would never be learned.', 'Something new.'],
  warningCodes: [
    { code: 'vocabLarge', params: { vocab: 1500, n: 128, limit: 512 }, text: '' },
    { code: 'fromTheFuture' as never, params: {}, text: 'Something new.' },
  ],
}

describe('plan warnings', () => {
  it('are worded from their codes in each UI language, numbers as the settings show them', () => {
    const { t, te } = i18n.global
    i18n.global.locale.value = 'en'
    expect(planWarningTexts(t, te, plan)).toEqual(['The vocabulary (1500) is large for 128 examples, which can teach about 512 entries; most would never be learned.', 'Something new.'])
    i18n.global.locale.value = 'zh-CN'
    expect(planWarningTexts(t, te, plan)[0]).toBe('对 128 条样本来说，词表（1500）太大：它们大约只能教会 512 个词条，其余多半学不到。')
    expect(planWarningTexts(t, te, { warnings: ['Plain.'] })).toEqual(['Plain.'])
    i18n.global.locale.value = 'en'
  })

  it("WebGPU's buffer limit names the array and the setting to lower in each language", () => {
    const { t, te } = i18n.global
    const gpu = { warnings: ['(English sentence)'], warningCodes: [{ code: 'gpuBuffer' as const, params: { array: 'scores', mib: 515, limit: 128, setting: 'batchSize', value: 15 }, text: '' }] }
    i18n.global.locale.value = 'en'
    expect(planWarningTexts(t, te, gpu)).toEqual(["The attention scores would need 515 MiB in one buffer, more than the 128 MiB this graphics card's WebGPU allows. Lower the batch size to 15 or less."])
    i18n.global.locale.value = 'zh-CN'
    expect(planWarningTexts(t, te, gpu)).toEqual(['注意力分数需要一个 515 MiB 的缓冲区，超过了这块显卡的 WebGPU 允许的 128 MiB。请把批大小降到 15 或更小。'])
    i18n.global.locale.value = 'en'
  })
})
