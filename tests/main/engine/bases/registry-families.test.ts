// Every imported family goes through the model registry as an encoder or a decoder with its family
// fields: the registry's weight shapes are exactly the imported weights (plus a classifier head), its
// tfjs-free cost model counts them exactly, and a classifier built from the base's weights runs.
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { modelInfo, type ModelSpec } from '../../../../src/shared/models'
import { initBackend } from '../../../../src/main/engine/backend'
import { baseDims } from '../../../../src/main/engine/bases/base-model'
import { planImport, readBaseFolder, writeBase } from '../../../../src/main/engine/bases/import-base'
import { modelFromParams, modelShapes } from '../../../../src/main/engine/models'
import { checkSpec } from '../../../../src/main/engine/models/registry'
import { ParamBuilder } from '../../../../src/main/engine/params'
import { tempDir } from '../../../helpers/temp-dirs'

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'bases')
beforeAll(async () => {
  await initBackend(['cpu'])
})

describe('imported families through the model registry', () => {
  for (const name of ['bert-tiny', 'roberta-tiny', 'xlmr-tiny', 'electra-tiny', 'distilbert-tiny', 'gpt2-tiny']) {
    it(`${name}: registry shapes and cost equal the imported weights; a classifier from them runs`, async () => {
      const dir = join(tempDir('wb-reg-'), name)
      await writeBase(planImport(join(FIXTURES, name)), dir)
      const { file, weights } = readBaseFolder(dir)
      const spec: ModelSpec = { dims: baseDims(file.arch, { dropout: 0 }), head: 'classify', nClasses: 3, lora: null }
      checkSpec(spec)
      expect(modelInfo(spec.dims.arch).causal).toBe(file.arch.causal)
      const shapes = modelShapes(spec)
      const body = shapes.filter(([n]) => !n.startsWith('head/'))
      const imported = [...weights.entries()].filter(([n]) => !n.startsWith('pooler/'))
      expect(new Map(body.map(([n, s]) => [n, s]))).toEqual(new Map(imported.map(([n, w]) => [n, w.shape])))
      const count = shapes.reduce((a, [, s]) => a + s.reduce((x, y) => x * y, 1), 0)
      expect(modelInfo(spec.dims.arch).cost.parameters(spec)).toBe(count)

      const builder = new ParamBuilder(1)
      for (const [n, s] of shapes) {
        const w = weights.get(n)
        if (w) builder.params.set(n, tf.variable(tf.tensor(w.data, w.shape), false))
        else builder.add(n, s, { kind: 'normal', std: 0.02 })
      }
      const model = modelFromParams(spec, builder.params)
      const T = 5
      const logits = tf.tidy(() => model.forward(tf.tensor2d([[2, 7, 9, 11, 3]], [1, T], 'int32'), tf.ones([1, T]), { training: false }).logits)
      expect(logits.shape).toEqual([1, 3])
      expect(Array.from(await logits.data()).every(Number.isFinite)).toBe(true)
      logits.dispose()
      builder.params.forEach((v) => v.dispose())
    })
  }
})
