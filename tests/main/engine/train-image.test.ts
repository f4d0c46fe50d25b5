// Training images end to end in the engine: augmentation (mirror, shift, colour jitter) as a pure function of
// its seed that never invents pixel values and leaves validation alone; a ViT trained through the shared loop
// with augmentation on, scored on held-out images; the pixel logistic-regression baseline on the same splits.
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { trainImageBaseline, shrinkPixels } from '../../../src/main/engine/baseline/image-logistic'
import { Rng } from '../../../src/main/engine/rng'
import { trainImages, type ImageSplit } from '../../../src/main/engine/train-image'
import { augmentBatch } from '../../../src/main/engine/training/image-augment'
import type { PaddedBatch } from '../../../src/main/engine/training/batching'
import { RunConfigSchema } from '../../../src/shared/config'
import { readModelFolder } from '../../../src/main/engine/model-folder'
import { runImageTraining } from '../../../src/main/engine/run-image-training'
import { tempDir } from '../../helpers/temp-dirs'
import { join } from 'node:path'

beforeAll(async () => {
  await initBackend(['wasm'])
})

const S = 16

/** Grey 16 x 16 images: a bright 4 x 4 block in the top half (label 0) or the bottom half (label 1), anywhere across. */
function blocks(n: number, seed: number): ImageSplit {
  const rng = new Rng(seed)
  const pixels: Uint8Array[] = []
  const labels: number[] = []
  for (let k = 0; k < n; k++) {
    const img = Uint8Array.from({ length: S * S }, () => Math.floor(rng.next() * 60))
    const y = k % 2 === 0 ? Math.floor(rng.next() * 4) : 8 + Math.floor(rng.next() * 4)
    const x = Math.floor(rng.next() * (S - 4))
    for (let r = y; r < y + 4; r++) for (let c = x; c < x + 4; c++) img[r * S + c] = 240
    pixels.push(img)
    labels.push(k % 2)
  }
  return { pixels, labels }
}

function batchOf(images: Float32Array[]): PaddedBatch {
  const N = images[0]!.length
  const mask = new Float32Array(images.length * N)
  images.forEach((im, b) => mask.set(im, b * N))
  return { ids: new Int32Array(images.length * N), mask, B: images.length, T: N, tokens: images.length * N }
}

describe('image augmentation', () => {
  const ramp = () => Float32Array.from({ length: 4 * 4 * 3 }, (_, i) => (i * 5) % 256)
  const row = (b: PaddedBatch, k: number) => Array.from(b.mask.subarray(k * 48, (k + 1) * 48))

  it('mirrors some images exactly and leaves the others as they were', () => {
    const b = augmentBatch(batchOf(Array.from({ length: 16 }, ramp)), { size: 4, channels: 3, augment: { flip: true, crop: false, jitter: 0 } }, 3)
    const original = Array.from(ramp())
    const mirrored = Array.from({ length: 48 }, (_, i) => {
      const [r, c, ch] = [Math.floor(i / 12), Math.floor(i / 3) % 4, i % 3]
      return original[(r * 4 + (3 - c)) * 3 + ch]!
    })
    const kinds = Array.from({ length: 16 }, (_, k) => (JSON.stringify(row(b, k)) === JSON.stringify(original) ? 'same' : JSON.stringify(row(b, k)) === JSON.stringify(mirrored) ? 'mirrored' : 'other'))
    expect(kinds).toContain('same')
    expect(kinds).toContain('mirrored')
    expect(kinds).not.toContain('other')
  })

  it('shifts and jitters within the pixel range, the same way for the same seed, and nothing when all is off', () => {
    const setup = { size: 4, channels: 3, augment: { flip: true, crop: true, jitter: 0.3 } }
    const a = augmentBatch(batchOf(Array.from({ length: 8 }, ramp)), setup, 9)
    const again = augmentBatch(batchOf(Array.from({ length: 8 }, ramp)), setup, 9)
    const other = augmentBatch(batchOf(Array.from({ length: 8 }, ramp)), setup, 10)
    expect(Array.from(again.mask)).toEqual(Array.from(a.mask))
    expect(Array.from(other.mask)).not.toEqual(Array.from(a.mask))
    for (const v of a.mask) expect(v >= 0 && v <= 255).toBe(true)
    // A shift alone only moves pixels: every value comes from the same channel of the original.
    const shifted = augmentBatch(batchOf(Array.from({ length: 8 }, ramp)), { size: 4, channels: 3, augment: { flip: false, crop: true, jitter: 0 } }, 4)
    const byChannel = [0, 1, 2].map((ch) => new Set(Array.from(ramp()).filter((_, i) => i % 3 === ch)))
    shifted.mask.forEach((v, i) => expect(byChannel[i % 3]!.has(v)).toBe(true))
    const off = augmentBatch(batchOf([ramp()]), { size: 4, channels: 3, augment: { flip: false, crop: false, jitter: 0 } }, 1)
    expect(row(off, 0)).toEqual(Array.from(ramp()))
    expect(() => augmentBatch(batchOf([ramp()]), { size: 5, channels: 3, augment: setup.augment }, 1)).toThrow(/5 x 5 x 3 images, but the batch rows hold 48/)
  })
})

describe('training on images', () => {
  it('trains a ViT with augmentation to >= 90% on held-out images, beside the pixel baseline', async () => {
    const config = RunConfigSchema.parse({
      model: { dModel: 32, nHeads: 2, nLayers: 1, dropout: 0, attnDropout: 0 },
      train: { epochs: 6, batchSize: 32, learningRate: 3e-3, patience: 0, seed: 3 },
      image: { size: 16, channels: 1, augment: { flip: true, crop: true, jitter: 0.1 } },
    })
    const splits = { labels: ['top', 'bottom'], train: blocks(256, 1), validation: blocks(64, 2), test: blocks(128, 3) }
    const logs: string[] = []
    const speeds: number[] = []
    const cb = { onProgress: (p: { tokensPerSec: number; step: number }) => speeds.push(p.tokensPerSec), onMetric() {}, onCheckpoint() {}, onLog: (_: string, m: string) => logs.push(m) }
    const started = performance.now()
    const result = await trainImages(splits, config, cb, new AbortController().signal)
    expect(logs[0]).toBe('Images: 16 x 16 grey, 2 x 2 patches (64 tokens + [CLS]).')
    // Speed in the ViT's tokens (65 per image), not pixel values: at most 65 x the images seen per second.
    const imagesPerSec = (6 * 256) / ((performance.now() - started) / 1000)
    expect(speeds.at(-1)!).toBeLessThan(65 * imagesPerSec * 2.5) // counting pixel values would be 256 per image
    expect(speeds.at(-1)!).toBeGreaterThan(0)
    expect(result.test!.accuracy).toBeGreaterThanOrEqual(0.9)
    expect(result.loop.epochsRun).toBe(6)
    for (const v of result.model.params.values()) v.dispose()

    const base = trainImageBaseline(splits, 16, 1)
    expect(base.metrics).toMatchObject({ kind: 'pixels-logreg', split: 'test', rows: 128, features: 64 })
    expect(base.metrics.accuracy).toBeGreaterThan(0.8) // the block's half is in the shrunk pixels too
    await expect(trainImages({ ...splits, labels: ['one'] }, config, cb, new AbortController().signal)).rejects.toThrow(/at least two labels/)
  }, 120_000)

  it('gives the same weights on two data-parallel threads as on one', async () => {
    const config = (workers: number) =>
      RunConfigSchema.parse({
        model: { dModel: 16, nHeads: 2, nLayers: 1, dropout: 0.1, attnDropout: 0 },
        train: { epochs: 2, batchSize: 16, learningRate: 3e-3, patience: 0, seed: 5, workers },
        image: { size: 16, channels: 1 },
      })
    const splits = { labels: ['top', 'bottom'], train: blocks(48, 4), validation: blocks(16, 5), test: blocks(0, 6) }
    const logs: string[] = []
    const cb = { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog: (_: string, m: string) => logs.push(m) }
    const weights = async (workers: number) => {
      const r = await trainImages(splits, config(workers), cb, new AbortController().signal)
      const w = Array.from(r.model.params.get('embed/patch')!.dataSync())
      for (const v of r.model.params.values()) v.dispose()
      return w
    }
    const one = await weights(1)
    const two = await weights(2)
    expect(logs).toContain('Training on 2 threads (data-parallel).')
    two.forEach((v, i) => expect(v).toBeCloseTo(one[i]!, 4))
  }, 120_000)

  it('pauses with a checkpoint and resumes to the same weights as a run never stopped', async () => {
    const config = RunConfigSchema.parse({
      model: { dModel: 16, nHeads: 2, nLayers: 1, dropout: 0.1, attnDropout: 0 },
      train: { epochs: 3, batchSize: 16, learningRate: 3e-3, patience: 0, seed: 8, workers: 1 },
      image: { size: 16, channels: 1, augment: { flip: true, crop: true, jitter: 0.2 } },
    })
    const data = { labels: ['top', 'bottom'], train: blocks(48, 7), validation: { ...blocks(16, 8), indices: [] as number[] } }
    const job = (runDir: string, resume = false) => ({
      config,
      runDir,
      resume,
      data: { labels: data.labels, train: { texts: data.train.labels.map(String), labels: data.train.labels }, validation: { texts: data.validation.labels.map(String), labels: data.validation.labels, indices: [] } },
      pixels: { train: data.train.pixels, validation: data.validation.pixels, test: [] },
    })
    const quiet = (stopAt = 0, controller?: AbortController) => ({
      onProgress: (p: { step: number }) => (p.step === stopAt ? controller?.abort('pause') : undefined),
      onMetric() {},
      onCheckpoint() {},
      onLog() {},
    })
    const full = tempDir()
    await runImageTraining(job(full), quiet(), new AbortController().signal)
    const stopped = tempDir()
    const controller = new AbortController()
    expect(await runImageTraining(job(stopped), quiet(4, controller), controller.signal)).toMatchObject({ paused: true })
    const logs: string[] = []
    await runImageTraining(job(stopped, true), { ...quiet(), onLog: (_: string, m: string) => logs.push(m) }, new AbortController().signal)
    expect(logs[0]).toBe('Resuming from step 4.')
    const a = readModelFolder(join(full, 'model')).weights.get('embed/patch')!.data
    const b = readModelFolder(join(stopped, 'model')).weights.get('embed/patch')!.data
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i]!, 6))
    await expect(runImageTraining(job(tempDir(), true), quiet(), new AbortController().signal)).rejects.toThrow(/no checkpoint to resume from/)
  }, 120_000)

  it('shrinks pixels to 8 x 8 block means', () => {
    const img = Uint8Array.from({ length: 16 * 16 }, (_, i) => (Math.floor(i / 16) < 8 ? 200 : 0))
    const small = shrinkPixels(img, 16, 1)
    expect(small.length).toBe(64)
    expect([small[0], small[63]]).toEqual([200, 0])
  })
})
