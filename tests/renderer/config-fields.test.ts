// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { configFields, getPath, rangeProblem, setPath, validateConfig } from '../../src/renderer/src/lib/config-fields'
import { resolveConfig } from '../../src/shared/config'
import en from '../../src/renderer/src/i18n/en'

describe('hyperparameter fields', () => {
  it('take their limits and defaults from the shared schema', () => {
    const dModel = configFields.find((f) => f.path === 'model.dModel')!
    expect(dModel).toMatchObject({ kind: 'int', min: 8, max: 1024, default: 128 })
    const lr = configFields.find((f) => f.path === 'train.learningRate')!
    expect(lr.kind).toBe('number')
    expect(configFields.find((f) => f.path === 'model.attention')!.options).toEqual(['full', 'sliding', 'linear'])
    expect(configFields.find((f) => f.path === 'finetune.lora.rank')).toMatchObject({ kind: 'int', min: 1, max: 256 })
  })

  it('cover every setting of a resolved config except the fine-tuning source and the extra-text folder', () => {
    const config = resolveConfig(null)
    const leaves: string[] = []
    const walk = (o: unknown, prefix: string) => {
      for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
        const p = prefix ? `${prefix}.${k}` : k
        if (v && typeof v === 'object') walk(v, p)
        else leaves.push(p)
      }
    }
    walk(config, '')
    const covered = new Set(configFields.map((f) => f.path))
    expect(leaves.filter((p) => !covered.has(p)).sort()).toEqual(['finetune.baseId', 'finetune.fromRunId', 'pretrain.textDir', 'task'])
  })

  it('each have a label and a help text in English', () => {
    for (const f of configFields) {
      const entry = getPath(en.fields, f.path) as { label?: string; help?: string } | undefined
      expect(entry?.label, f.path).toBeTruthy()
      expect(entry?.help, f.path).toBeTruthy()
    }
  })

  it('say what is wrong with a value', () => {
    const heads = configFields.find((f) => f.path === 'model.nHeads')!
    expect(rangeProblem(heads, 4)).toBeNull()
    expect(rangeProblem(heads, 0)).toBe('range')
    expect(rangeProblem(heads, 2.5)).toBe('integer')
    expect(rangeProblem(heads, null)).toBe('required')
  })

  it('validate a whole config with issues keyed by path', () => {
    const c = resolveConfig('quick') as unknown as Record<string, unknown>
    setPath(c, 'model.nHeads', 3)
    const r = validateConfig(c)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(Object.keys(r.issues)).toContain('model.nHeads')
  })
})
