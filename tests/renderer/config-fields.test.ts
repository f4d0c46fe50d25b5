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

  it('offer the image settings: sizes and colour as numbers to pick, augmentation switches and jitter', () => {
    const size = configFields.find((f) => f.path === 'image.size')!
    expect(size).toMatchObject({ group: 'image', kind: 'enum', numeric: true, default: 32 })
    expect(size.options).toContain('64')
    // Every offered size passes the shared schema once stored as the number the form emits.
    for (const o of size.options!) {
      const config = structuredClone(resolveConfig(null)) as unknown as Record<string, unknown>
      setPath(config, 'image.size', Number(o))
      expect(validateConfig(config).ok, o).toBe(true)
    }
    const bad = structuredClone(resolveConfig(null)) as unknown as Record<string, unknown>
    setPath(bad, 'image.size', 33)
    expect(validateConfig(bad).ok).toBe(false)
    expect(configFields.find((f) => f.path === 'image.channels')).toMatchObject({ kind: 'enum', numeric: true, options: ['3', '1'] })
    expect(configFields.find((f) => f.path === 'image.augment.flip')).toMatchObject({ kind: 'boolean', default: false })
    expect(configFields.find((f) => f.path === 'image.augment.jitter')).toMatchObject({ kind: 'number', min: 0, max: 0.5 })
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
