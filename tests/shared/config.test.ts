import { describe, expect, it } from 'vitest'
import { ConfigError, presetNames, resolveConfig, RunConfigSchema } from '../../src/shared/config'

const message = (o: unknown) => {
  try {
    resolveConfig(null, o)
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    return (e as Error).message
  }
  throw new Error('expected the config to be refused')
}

describe('run config', () => {
  it('fills every default and keeps each preset valid', () => {
    const d = resolveConfig(null)
    expect(d).toEqual(RunConfigSchema.parse({}))
    expect(d.model).toMatchObject({ arch: 'encoder', dModel: 128, nHeads: 4, nLayers: 2 })
    for (const p of presetNames) expect(resolveConfig(p).model.dModel % resolveConfig(p).model.nHeads).toBe(0)
    expect(resolveConfig('quick', { train: { epochs: 7 } }).train).toMatchObject({ epochs: 7, learningRate: 2e-3 })
  })

  it('explains absurd values in plain words, naming the setting', () => {
    expect(message({ train: { learningRate: 50 } })).toBe('train.learningRate: must be at most 1')
    expect(message({ train: { epochs: 2.5 } })).toBe('train.epochs: must be a whole number')
    expect(message({ model: { attention: 'fast' } })).toBe('model.attention: must be one of: full, sliding, linear')
    expect(message({ model: { seqLen: 1 } })).toBe('model.seqLen: must be at least 4')
    expect(message({ train: { batchSize: 'lots' } })).toBe('train.batchSize: must be a number')
  })

  it('checks settings that only make sense together', () => {
    expect(message({ model: { dModel: 100, nHeads: 3 } })).toMatch(/divisible by the number of heads/)
    expect(message({ model: { nHeads: 4, nKvHeads: 3 } })).toMatch(/multiple of the key\/value heads/)
    expect(message({ task: 'pretrain', model: { arch: 'bag' } })).toMatch(/needs a Transformer/)
    expect(() => resolveConfig(null, { task: 'pretrain', model: { arch: 'encoder' } })).not.toThrow()
    expect(message({ finetune: { fromRunId: 'run_a', baseId: 'base_b' } })).toMatch(/either a base or an earlier run/)
  })
})
