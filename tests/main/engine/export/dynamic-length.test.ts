// Exported graphs take any length up to the maximum: the tfjs graph model and the ONNX file, fed
// batches of exactly 1, 7 and the maximum number of positions (no padding to the maximum), give the
// app's probabilities for the same rows, and the same as those rows padded to the maximum. Covered for
// the variants whose graphs cut constants to the run-time length (learned and sinusoidal positions,
// causal and sliding-window bands, last-token and mean pooling, grouped-query heads).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { loadGraphModel } from '@tensorflow/tfjs-converter'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend, loadModel } from '../../../../src/main/engine'
import { exportModel } from '../../../../src/main/engine/export'
import { saveModelFolder } from '../../../../src/main/engine/model-folder'
import { buildModel, resolveDims } from '../../../../src/main/engine/models'
import { readParams } from '../../../../src/main/engine/params'
import { trainTokenizer } from '../../../../src/main/engine/tokenizers'
import { resolveConfig } from '../../../../src/shared/config'
import { tinyTexts } from '../../../helpers/tiny-data'

const root = mkdtempSync(join(tmpdir(), 'wb-export-dynamic-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
beforeAll(async () => {
  await initBackend(['cpu'])
})

const SEQ = 12 // the exported graphs' maximum length (counting [CLS])
const TOLERANCE = 1e-4

async function exportVariant(name: string, over: Record<string, unknown>): Promise<string> {
  const tok = trainTokenizer({ kind: 'word', vocabSize: 48, lowercase: true, normalize: 'NFKC' }, tinyTexts(40, 3).texts)
  const config = resolveConfig(null, { model: { dModel: 16, nHeads: 2, nLayers: 2, seqLen: SEQ, dropout: 0, attnDropout: 0, ...over } })
  const spec = { dims: resolveDims(config.model, tok.vocabSize), head: 'classify' as const, nClasses: 3, lora: null }
  const m = buildModel(spec, 5)
  const weights = await readParams(m.params)
  for (const v of m.params.values()) v.dispose()
  // Scaled-up matrices: sharp attention, so a wrong cut of a band or of the positions shows.
  for (const w of weights.values()) if (w.shape.length >= 2) for (let i = 0; i < w.data.length; i++) w.data[i] *= 20
  const dir = join(root, name)
  saveModelFolder(
    join(dir, 'model'),
    { task: 'classify', config, spec, labels: ['a', 'b', 'c'], tokenizer: tok.toJSON(), training: { bestEpoch: 0, stoppedEarly: false, metrics: null, createdAt: new Date().toISOString() } },
    weights,
  )
  const texts = tinyTexts(6, 9).texts
  const validation = { texts, labels: texts.map(() => 0), indices: texts.map((_, i) => i) }
  const r = await exportModel({ modelDir: join(dir, 'model'), outDir: join(dir, 'out'), formats: ['tfjs', 'onnx'], data: { labels: ['a', 'b', 'c'], train: { texts: [], labels: [] }, validation }, card: {} })
  expect(r.verification.ok).toBe(true)
  return dir
}

// Three rows of real lengths L, L - 3 and 1 (at least 1), token ids from a fixed pattern, padded to T.
function batch(L: number, T: number): { ids: Int32Array; mask: Float32Array } {
  const lengths = [L, Math.max(1, L - 3), 1]
  const ids = new Int32Array(3 * T)
  const mask = new Float32Array(3 * T)
  lengths.forEach((n, b) => {
    for (let t = 0; t < n; t++) {
      ids[b * T + t] = t === 0 ? 2 : 5 + ((b * 7 + t * 3) % 20)
      mask[b * T + t] = 1
    }
  })
  return { ids, mask }
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe.each([
  ['encoder with [CLS] pooling', {}],
  ['causal decoder (last-token pooling)', { arch: 'decoder' }],
  ['sliding window with grouped-query heads', { attention: 'sliding', window: 2, nHeads: 4, nKvHeads: 2 }],
  ['linear attention, mean pooling, sinusoidal positions', { attention: 'linear', pooling: 'mean', positional: 'sinusoidal' }],
] as const)('exported %s', (name, over) => {
  it('gives the app\'s probabilities at lengths 1, 7 and the maximum, unpadded and padded to the maximum', async () => {
    const dir = await exportVariant(name.replace(/\W+/g, '-'), over)
    const app = await loadModel(join(dir, 'model'))
    const json = JSON.parse(readFileSync(join(dir, 'out', 'model.json'), 'utf8'))
    expect(json.signature.inputs.ids.tensorShape.dim.map((d: { size: string }) => d.size)).toEqual(['-1', '-1'])
    const graph = await loadGraphModel(tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: new Uint8Array(readFileSync(join(dir, 'out', json.weightsManifest[0].paths[0]))).buffer,
    }))
    const session = await ort.InferenceSession.create(readFileSync(join(dir, 'out', 'model.onnx')))
    try {
      for (const L of [1, 7, SEQ]) {
        for (const T of [L, SEQ]) {
          const { ids, mask } = batch(L, T)
          const reference = tf.tidy(() => tf.softmax(app.model.forward(tf.tensor2d(ids, [3, T], 'int32'), tf.tensor2d(mask, [3, T]), { training: false }).logits))
          const want = reference.dataSync()
          reference.dispose()
          const idsT = tf.tensor2d(ids, [3, T], 'int32'), maskT = tf.tensor2d(mask, [3, T])
          const out = graph.execute({ ids: idsT, mask: maskT }, 'probabilities') as tf.Tensor
          expect(out.shape).toEqual([3, 3])
          expect(maxDiff(out.dataSync(), want)).toBeLessThanOrEqual(TOLERANCE)
          tf.dispose([out, idsT, maskT])
          const onnx = await session.run({ ids: new ort.Tensor('int64', BigInt64Array.from(ids, (v) => BigInt(v)), [3, T]), mask: new ort.Tensor('float32', mask, [3, T]) })
          expect(maxDiff(onnx.probabilities.data as Float32Array, want)).toBeLessThanOrEqual(TOLERANCE)
          expect((onnx.attention_0!.dims as number[]).slice(2)).toEqual([T, T]) // per-layer maps at the run-time length
        }
      }
    } finally {
      graph.dispose()
      await session.release()
      app.dispose()
    }
  })
})
