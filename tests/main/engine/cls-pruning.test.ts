// Under [CLS] pooling the encoder's last block computes only position 0. Asking for the attention maps
// forces every row to be computed, so the two paths must give the same logits and the same gradients.
import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { buildModel, resolveDims } from '../../../src/main/engine/models'
import { ModelConfigSchema } from '../../../src/shared/config'

describe.each(['cpu', 'wasm'] as const)('encoder with [CLS] pooling on %s', (backend) => {
  it('the pruned last block gives the full pass\'s logits and gradients, padding and grouped heads included', async () => {
    await initBackend([backend])
    const mc = ModelConfigSchema.parse({ dModel: 16, nHeads: 4, nKvHeads: 2, nLayers: 2, seqLen: 8, dropout: 0, attnDropout: 0 })
    const model = buildModel({ dims: resolveDims(mc, 30), head: 'classify', nClasses: 3, lora: null }, 4)
    const ids = tf.tensor2d([[2, 5, 9, 11, 7, 0, 0, 0], [2, 8, 8, 13, 21, 29, 4, 6]], [2, 8], 'int32')
    const mask = tf.tensor2d([[1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]], [2, 8])
    const vars = [...model.params.values()]
    const run = (full: boolean) => {
      const { value, grads } = tf.variableGrads(() => {
        const { logits, attention } = model.forward(ids, mask, { training: true, returnAttention: full })
        expect(attention).toHaveLength(full ? 2 : 0)
        return tf.sum(tf.mul(logits, tf.tensor2d([[1, -2, 0.5], [0.3, 1, -1]]))) as tf.Scalar
      }, vars)
      const out = [value.dataSync()[0]!, ...vars.map((v) => Float32Array.from(grads[v.name]!.dataSync()))] as const
      tf.dispose([value, ...Object.values(grads)])
      return out
    }
    const [pruned, ...gPruned] = run(false)
    const [full, ...gFull] = run(true)
    expect(Math.abs(pruned - full)).toBeLessThan(1e-5)
    gPruned.forEach((g, i) => {
      const want = gFull[i]!
      let worst = 0
      for (let j = 0; j < g.length; j++) worst = Math.max(worst, Math.abs(g[j]! - want[j]!))
      expect(worst).toBeLessThan(1e-5)
    })
    // The lastBlockShortcut forward option turns the shortcut off: same logits, more values computed.
    const computed = async (shortcut: boolean) => {
      const info = await tf.profile(() => model.forward(ids, mask, { training: false, lastBlockShortcut: shortcut }).logits)
      return info.kernels.reduce((n, k) => n + k.outputShapes.reduce((m, s) => m + (s ?? []).reduce((a, b) => a * b, 1), 0), 0)
    }
    const logitsOff = tf.tidy(() => model.forward(ids, mask, { training: false, lastBlockShortcut: false }).logits.dataSync().slice())
    const logitsOn = tf.tidy(() => model.forward(ids, mask, { training: false }).logits.dataSync().slice())
    logitsOn.forEach((v, i) => expect(Math.abs(v - logitsOff[i]!)).toBeLessThan(1e-5))
    expect(await computed(false)).toBeGreaterThan(await computed(true))
    // The last block's feed-forward weights do get a gradient (from position 0), so the check is not vacuous.
    const w1 = [...model.params.keys()].indexOf('block_1/ffn/w1')
    expect(gFull[w1]!.some((v) => v !== 0)).toBe(true)
    tf.dispose([ids, mask, ...vars])
  })
})
