// The model registry: every architecture has both halves, the shared cost model counts exactly the
// weights the engine builds (family variants included), the family fields change what the engine
// computes, and settings the engine cannot compute yet fail with a sentence.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { buildModel } from '../../../src/main/engine/models'
import { engineRegistry, modelShapes } from '../../../src/main/engine/models/registry'
import { ModelConfigSchema, resolveConfig } from '../../../src/shared/config'
import { architectures, modelInfo, modelRegistry, resolveDims, type ModelFamily, type ModelSpec } from '../../../src/shared/models'
import { estimateMemoryMb, flopsPerToken } from '../../../src/shared/run-cost'

beforeAll(async () => {
  await initBackend(['cpu'])
})

const count = (spec: ModelSpec) => modelShapes(spec).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0)

function spec(arch: ModelSpec['dims']['arch'], family: Partial<ModelFamily>, head: ModelSpec['head'] = 'classify'): ModelSpec {
  const mc = ModelConfigSchema.parse({ arch, dModel: 16, nHeads: 2, nLayers: 2, seqLen: 6, dropout: 0, attnDropout: 0 })
  return { dims: resolveDims(mc, 40, family), head, nClasses: head === 'lm' ? 0 : 3, lora: null }
}

describe('model registry', () => {
  it('has an engine entry and a shared entry for every architecture id', () => {
    expect(Object.keys(engineRegistry).sort()).toEqual([...architectures].sort())
    expect(Object.keys(modelRegistry).sort()).toEqual([...architectures].sort())
    for (const a of architectures) expect(modelInfo(a).id).toBe(a)
  })

  const variants: [string, ModelSpec][] = [
    ['encoder with token types and a position offset', spec('encoder', { typeVocab: 2, positionOffset: 2 })],
    ['post-LN encoder with embedding norm and projection, no final norm (BERT, ELECTRA)', spec('encoder', { norm: 'post', gelu: 'erf', lnEps: 1e-12, embedLn: true, embedSize: 8, finalLn: false, typeVocab: 2 })],
    ['decoder with a tied language-model head', spec('decoder', { tiedLmHead: true }, 'lm')],
    ['decoder with its own language-model head', spec('decoder', {}, 'lm')],
    ['bag of embeddings', spec('bag', {})],
  ]
  for (const [name, s] of variants) {
    it(`counts the engine's weights exactly: ${name}`, () => {
      expect(modelInfo(s.dims.arch).cost.parameters(s)).toBe(count(s))
    })
  }

  it('gives token types and position offsets their own weights, read by the forward pass', () => {
    const plain = spec('encoder', {})
    const typed = spec('encoder', { typeVocab: 2, positionOffset: 2 })
    const names = modelShapes(typed).map(([n, shape]) => `${n}:${shape.join('x')}`)
    expect(names).toContain('embed/type:2x16')
    expect(names).toContain(`embed/pos:${plain.dims.maxLen}x16`)
    const model = buildModel(typed, 3)
    const ids = tf.tensor2d([[2, 5, 9, 0]], [1, 4], 'int32') // 4 + offset 2 <= maxLen 7
    const mask = tf.tensor2d([[1, 1, 1, 0]], [1, 4])
    const before = model.forward(ids, mask, { training: false }).logits.dataSync().slice()
    // Changing the type-0 row changes the logits: the embedding is really added.
    const type = model.params.get('embed/type')!
    type.assign(tf.randomNormal(type.shape, 0, 1, 'float32', 9))
    const after = model.forward(ids, mask, { training: false }).logits.dataSync()
    expect(Math.max(...Array.from(after, (v, i) => Math.abs(v - before[i]!)))).toBeGreaterThan(1e-4)
  })

  it('a tied language-model head predicts over the vocabulary from the token embedding', () => {
    const s = spec('decoder', { tiedLmHead: true }, 'lm')
    const model = buildModel(s, 5)
    expect([...model.params.keys()].some((n) => n.startsWith('lm_head/'))).toBe(false)
    const logits = model.forward(tf.tensor2d([[2, 7, 8]], [1, 3], 'int32'), tf.ones([1, 3]), { training: false }).logits
    expect(logits.shape).toEqual([1, 3, 40])
  })

  it('refuses heads an architecture lacks', () => {
    expect(() => buildModel(spec('encoder', {}, 'lm'), 1)).toThrow(/no next-token head/)
    expect(() => buildModel(spec('decoder', {}, 'mlm'), 1)).toThrow(/no masked-language-model head/)
    expect(() => buildModel(spec('bag', {}, 'mlm'), 1)).toThrow(/no masked-language-model head/)
  })

  it('costs sliding-window attention like full attention, because the engine builds the full matrix', () => {
    const full = resolveConfig(null, { model: { seqLen: 256 } })
    const sliding = resolveConfig(null, { model: { seqLen: 256, attention: 'sliding', window: 4 } })
    const linear = resolveConfig(null, { model: { seqLen: 256, attention: 'linear' } })
    const mem = (c: typeof full) => estimateMemoryMb(c, 1000)
    expect(mem(sliding)).toBe(mem(full))
    expect(flopsPerToken(sliding, 2)).toBe(flopsPerToken(full, 2))
    expect(mem(linear)).toBeLessThan(mem(full))
    // A causal decoder's linear attention uses the explicit T x T form: no saving.
    const dec = (attention: 'full' | 'linear') => resolveConfig(null, { model: { arch: 'decoder', seqLen: 256, attention } })
    expect(mem(dec('linear'))).toBe(mem(dec('full')))
  })
})
