// The plan's warnings in the UI's language: each comes with a code and its numbers, so the renderer
// words it itself; a code it has no text for (a newer server) falls back to the server's sentence.
import type { RunPlan } from '../../../shared/api'

type Translate = (key: string, params?: Record<string, unknown>) => string

/** One sentence per warning of the plan, in the UI's language where a text exists. */
export function planWarningTexts(t: Translate, te: (key: string) => boolean, plan: Pick<RunPlan, 'warnings' | 'warningCodes'>): string[] {
  return plan.warnings.map((text, i) => {
    const w = plan.warningCodes?.[i]
    if (!w || !te(`planWarning.${w.code}`)) return text
    // WebGPU's buffer limit names an array and the setting to lower: both are words of their own.
    if (w.code === 'gpuBuffer') {
      const array = t(`planWarning.gpuArray.${String(w.params.array)}`)
      const lower = t(`planWarning.gpuLower.${String(w.params.setting)}`, { value: w.params.value })
      return t('planWarning.gpuBuffer', { ...w.params, array, lower })
    }
    // Numbers as the settings show them (a vocabulary of 1500 reads like the field the user typed it in).
    return t(`planWarning.${w.code}`, w.params)
  })
}
