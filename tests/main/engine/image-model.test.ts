// The image encoder (ViT): patch size from image size, patches cut so that a pixel lands in the right patch at
// the right place, shapes and weight names the shared cost model counts exactly, attention per patch for the
// explorer, and a synthetic task that needs attention across patches and their positions (a red and a blue
// mark: is the red one left of the blue one?) learnt on held-out images, while the same model with its
// positions held at zero (a bag of patches) stays near chance.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { buildModel, modelShapes } from '../../../src/main/engine/models'
import { patchAttention, patchify } from '../../../src/main/engine/models/image'
import { AdamW } from '../../../src/main/engine/training/adamw'
import { argmax } from '../../../src/main/engine/training/evaluate-rows'
import { makeTrainStep, type StepBatch } from '../../../src/main/engine/training/train-step'
import { Rng } from '../../../src/main/engine/rng'
import { ModelConfigSchema } from '../../../src/shared/config'
import { imageDims, modelInfo, patchSizeFor, type ImageShape, type ModelSpec } from '../../../src/shared/models'

beforeAll(async () => {
  await initBackend(['wasm'])
})

function imageSpec(image: ImageShape, dModel = 16, nLayers = 1, nHeads = 2): ModelSpec {
  const mc = ModelConfigSchema.parse({ dModel, nHeads, nLayers, dropout: 0, attnDropout: 0 })
  return { dims: imageDims(mc, image), head: 'classify', nClasses: 2, lora: null }
}

const S = 16
const P = 4
const G = S / P

/** Images of the task: a red and a blue P x P mark on distinct grid cells in distinct columns; label 1 = red left of blue. */
function markImages(n: number, seed: number): { pixels: Float32Array[]; labels: number[] } {
  const rng = new Rng(seed)
  const pixels: Float32Array[] = []
  const labels: number[] = []
  for (let k = 0; k < n; k++) {
    const img = new Float32Array(S * S * 3)
    for (let i = 0; i < img.length; i++) img[i] = 25 * rng.next() // faint noise
    const rc = Math.floor(rng.next() * G)
    const bc = Math.floor(rng.next() * G)
    let cc = Math.floor(rng.next() * G)
    let bcol = Math.floor(rng.next() * (G - 1))
    if (bcol >= cc) bcol++ // distinct columns
    if (k % 2 === 0) [cc, bcol] = [Math.min(cc, bcol), Math.max(cc, bcol)] // balance the classes
    else [cc, bcol] = [Math.max(cc, bcol), Math.min(cc, bcol)]
    const paint = (row: number, col: number, ch: number) => {
      for (let r = row * P; r < row * P + P; r++) for (let c = col * P; c < col * P + P; c++) img[(r * S + c) * 3 + ch] = 255
    }
    paint(rc, cc, 0)
    paint(bc, bcol, 2)
    pixels.push(img)
    labels.push(cc < bcol ? 1 : 0)
  }
  return { pixels, labels }
}

function batchOf(d: { pixels: Float32Array[]; labels: number[] }, idx: number[]): StepBatch {
  const N = S * S * 3
  const mask = new Float32Array(idx.length * N)
  idx.forEach((r, i) => mask.set(d.pixels[r]!, i * N))
  return { ids: new Int32Array(idx.length * N), mask, B: idx.length, T: N, labels: idx.map((r) => d.labels[r]!), rowWeights: null }
}

/** Trains on `train` and returns held-out accuracy on `test`; `frozenZero` weights are zeroed and kept out of training. */
function trainAndScore(seed: number, frozenZero: string[]): number {
  const model = buildModel(imageSpec({ size: S, channels: 3, patch: P }, 32, 1, 2), seed)
  for (const n of frozenZero) model.params.get(n)!.assign(tf.zerosLike(model.params.get(n)!))
  const names = [...model.params.keys()].filter((n) => !frozenZero.includes(n))
  const opt = new AdamW(model.params, names, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 })
  const step = makeTrainStep({ model, objective: 'classify', trainable: names, opt, gradClip: 1, labelSmoothing: 0, lrScale: () => 1, decay: () => false })
  const train = markImages(512, seed)
  const test = markImages(200, seed + 1000)
  const rng = new Rng(seed)
  for (let epoch = 0; epoch < 10; epoch++) {
    const order = rng.shuffle([...Array(train.labels.length).keys()])
    for (let s = 0; s < order.length; s += 32) step(batchOf(train, order.slice(s, s + 32)), 3e-3, 1).dispose()
  }
  const b = batchOf(test, [...Array(test.labels.length).keys()])
  const probs = tf.tidy(() => tf.softmax(model.forward(tf.tensor2d(b.ids, [b.B, b.T], 'int32'), tf.tensor2d(b.mask, [b.B, b.T]), { training: false }).logits).arraySync() as number[][])
  opt.dispose()
  for (const v of model.params.values()) v.dispose()
  return probs.filter((p, i) => argmax(p) === test.labels[i]).length / test.labels.length
}

describe('image encoder (ViT)', () => {
  it('chooses an 8 x 8 grid of patches from the image size', () => {
    expect([16, 24, 32, 48, 64].map(patchSizeFor)).toEqual([2, 3, 4, 6, 8])
    expect(patchSizeFor(8)).toBe(1)
    expect(patchSizeFor(28)).toBe(4) // 7 x 7 patches: no divisor of 28 gives exactly 8
    expect(() => patchSizeFor(2)).toThrow(/outside 4..256/)
    const mc = ModelConfigSchema.parse({ dModel: 16, nHeads: 2 })
    expect(() => imageDims(mc, { size: 32, channels: 3, patch: 5 })).toThrow(/must divide the image size/)
  })

  it('puts every pixel in its patch, at its place inside the patch', () => {
    const image: ImageShape = { size: 8, channels: 3, patch: 4 }
    const pixels = tf.tensor2d([Array.from({ length: 8 * 8 * 3 }, (_, i) => i)], [1, 8 * 8 * 3])
    const patches = patchify(pixels, image)
    expect(patches.shape).toEqual([1, 4, 48])
    const data = patches.dataSync()
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) {
        for (let ch = 0; ch < 3; ch++) {
          const n = Math.floor(r / 4) * 2 + Math.floor(c / 4)
          const inside = ((r % 4) * 4 + (c % 4)) * 3 + ch
          expect(data[n * 48 + inside]).toBe((r * 8 + c) * 3 + ch)
        }
      }
    }
    expect(() => patchify(tf.zeros([1, 10]), image)).toThrow(/reads 8 x 8 x 3 = 192 values per image, but got 10/)
  })

  it('makes one token per patch plus [CLS], with named weights the cost model counts exactly, and per-patch attention', () => {
    const spec = imageSpec({ size: 16, channels: 1, patch: 4 }, 16, 2)
    const names = modelShapes(spec).map(([n, shape]) => `${n}:${shape.join('x')}`)
    expect(names).toEqual(expect.arrayContaining(['embed/patch:16x16', 'embed/patch_b:16', 'embed/cls:1x16', 'embed/pos_row:4x16', 'embed/pos_col:4x16', 'head/w:16x2']))
    const count = modelShapes(spec).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0)
    expect(modelInfo('image').cost.parameters(spec)).toBe(count)
    expect(spec.dims.maxLen).toBe(17)
    const model = buildModel(spec, 1)
    const out = model.forward(tf.zeros([3, 256], 'int32'), tf.randomUniform([3, 256], 0, 255, 'float32', 1), { training: false, returnAttention: true })
    expect(out.logits.shape).toEqual([3, 2])
    expect(out.attention.map((a) => a.shape)).toEqual([[3, 2, 17, 17], [3, 2, 17, 17]])
    const map = patchAttention(out.attention)
    expect(map.shape).toEqual([3, 16])
    // Without the map the last block computes only [CLS]: the same logits.
    const short = model.forward(tf.zeros([3, 256], 'int32'), tf.randomUniform([3, 256], 0, 255, 'float32', 1), { training: false })
    const a = out.logits.dataSync()
    short.logits.dataSync().forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 4))
    // A patch's position changes its token: the same patch content in two places gives different logits.
    const moved = (col: number) => {
      const img = new Float32Array(256)
      for (let r = 0; r < 4; r++) for (let c = col * 4; c < col * 4 + 4; c++) img[r * 16 + c] = 255
      return model.forward(tf.zeros([1, 256], 'int32'), tf.tensor2d(img, [1, 256]), { training: false }).logits.dataSync()
    }
    const [l0, l3] = [moved(0), moved(3)]
    expect(Math.abs(l0[0]! - l3[0]!) + Math.abs(l0[1]! - l3[1]!)).toBeGreaterThan(1e-6)
    for (const v of model.params.values()) v.dispose()
  })

  it('learns "is the red mark left of the blue one" on held-out images; without positions it stays near chance', () => {
    const withPositions = trainAndScore(7, [])
    const bagOfPatches = trainAndScore(7, ['embed/pos_row', 'embed/pos_col'])
    expect(withPositions).toBeGreaterThanOrEqual(0.9)
    expect(bagOfPatches).toBeLessThan(0.65)
  }, 120_000)
})
