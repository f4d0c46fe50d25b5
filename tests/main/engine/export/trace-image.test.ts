// The Vision Transformer traced for export: the tfjs graph model and the ONNX file give the engine's
// probabilities and attention maps on images, for a model trained a few steps (attention not uniform).
import * as tf from '@tensorflow/tfjs-core'
import { loadGraphModel } from '@tensorflow/tfjs-converter'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/main/engine/backend'
import { toOnnx } from '../../../../src/main/engine/export/onnx'
import { toTfjsGraphModel } from '../../../../src/main/engine/export/tfjs-graph'
import { traceImageClassifier } from '../../../../src/main/engine/export/trace-image'
import { readModelFolder } from '../../../../src/main/engine/model-folder'
import { loadModel, type LoadedModel } from '../../../../src/main/engine/predict'
import { predictImages } from '../../../../src/main/engine/predict-image'
import { tempDir } from '../../../helpers/temp-dirs'
import { blockSet, modelDirOf, trainTinyVit } from '../../../helpers/tiny-vit'

let model: LoadedModel
let dir: string

beforeAll(async () => {
  await initBackend(['wasm', 'cpu'])
  dir = tempDir()
  await trainTinyVit(dir)
  model = await loadModel(modelDirOf(dir))
}, 120_000)

afterAll(() => model?.dispose())

describe('the Vision Transformer traced for export', () => {
  it('gives the engine probabilities and attention through the tfjs graph and ONNX', async () => {
    const images = blockSet(6, 9).pixels
    images.push(new Uint8Array(16 * 16 * 3).fill(255), Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 37) % 256))
    const app = predictImages(model, images, { attention: true })
    const { file, weights } = readModelFolder(modelDirOf(dir))
    const traced = traceImageClassifier(file.spec, weights)
    expect(traced.seqLen).toBe(65)
    expect(traced.attentionLayers).toBe(2)
    const B = images.length
    const px = new Float32Array(B * 768)
    images.forEach((p, i) => px.set(p, i * 768))

    const { modelJson, weights: bin } = toTfjsGraphModel(traced.graph, 'test', {})
    const graph = await loadGraphModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights), weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer }))
    const input = tf.tensor(px, [B, 768], 'float32')
    const [probs, att1] = graph.execute({ pixels: input }, ['probabilities', 'attention_1']) as tf.Tensor[]
    const got = (await probs!.array()) as number[][]
    const maps = (await att1!.array()) as number[][][][] // [B, H, T, T]
    tf.dispose([input, probs!, att1!])
    expect(got).toHaveLength(B)
    got.forEach((p, i) => model.labels.forEach((l, c) => expect(Math.abs(p[c]! - app[i]!.probabilities[l]!)).toBeLessThan(1e-5)))
    // The last layer's [CLS] row over the patches, per head, as the app's explorer shows it; and not uniform.
    let spread = 0
    maps.forEach((heads, i) =>
      heads.forEach((h, k) => {
        const row = h[0]!.slice(1)
        row.forEach((v, n) => expect(Math.abs(v - app[i]!.attention!.heads[1]![k]![n]!)).toBeLessThan(1e-5))
        spread = Math.max(spread, Math.max(...row) - Math.min(...row))
      }),
    )
    expect(spread).toBeGreaterThan(1e-3)

    const ort = await import('onnxruntime-node')
    const session = await ort.InferenceSession.create(toOnnx(traced.graph, { producerVersion: 'test', docString: '', metadata: {} }))
    const res = await session.run({ pixels: new ort.Tensor('float32', px, [B, 768]) }, ['probabilities'])
    const onnx = res.probabilities!.data as Float32Array
    app.forEach((p, i) => model.labels.forEach((l, c) => expect(Math.abs(onnx[i * 2 + c]! - p.probabilities[l]!)).toBeLessThan(1e-5)))
    await session.release()
  }, 60_000)
})
