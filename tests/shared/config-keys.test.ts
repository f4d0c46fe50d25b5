import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { firstUnknownKey, knownConfigKeys, nearestKey, unknownKeyMessage } from '../../src/shared/config-keys'
import { formatIssues, resolveConfig } from '../../src/shared/config'

describe('unknown config keys', () => {
  it('knows every setting of the schema, nested groups included', () => {
    expect(knownConfigKeys).toContain('train.learningRate')
    expect(knownConfigKeys).toContain('finetune.lora.rank')
    expect(knownConfigKeys).toContain('image.augment.flip')
    expect(knownConfigKeys).not.toContain('train')
  })

  it('refuses an unknown name with the nearest known one', () => {
    expect(unknownKeyMessage({ train: { lerningRate: 1e-3 } })).toBe('There is no setting "train.lerningRate"; the nearest known one is "train.learningRate".')
    expect(unknownKeyMessage({ trian: { epochs: 2 } })).toBe('There is no setting "trian"; the nearest known one is "train".')
    expect(unknownKeyMessage({ finetune: { lora: { rnak: 4 } } })).toMatch(/"finetune.lora.rnak".*"finetune.lora.rank"/)
    expect(nearestKey('model.dmodel')).toBe('model.dModel')
  })

  it('accepts known names, and a full stored config', () => {
    expect(firstUnknownKey({ train: { epochs: 2, learningRate: 1e-3 }, model: { nHeads: 2 } })).toBeNull()
    expect(firstUnknownKey(resolveConfig('balanced'))).toBeNull()
    expect(firstUnknownKey(undefined)).toBeNull()
  })

  it('leaves reading a stored config with a retired setting alone (only input is checked)', () => {
    expect(() => resolveConfig(null, { train: { retiredSetting: 1 } })).not.toThrow()
  })
})

describe('schema messages', () => {
  it('say in plain words what a method taking nothing, or a wrong type, expects', () => {
    const none = z.undefined().optional().safeParse({ a: 1 })
    expect(formatIssues(none.error!.issues)).toBe('the input takes no value here: leave it out')
    const obj = z.object({ name: z.string(), on: z.boolean(), tags: z.array(z.string()) }).safeParse({ name: 3, on: 'yes', tags: 'x' })
    const text = formatIssues(obj.error!.issues)
    expect(text).toBe('name: must be text; on: must be true or false; tags: must be a list')
    expect(text).not.toMatch(/must be a (undefined|string|boolean|array)/)
  })
})
