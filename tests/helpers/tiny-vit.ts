// A small Vision Transformer trained a few steps on the block task (16 x 16 colour, 2 x 2 patches, 65 tokens),
// so its attention is no longer uniform: for export tests.
import { join } from 'node:path'
import { runImageTraining } from '../../src/main/engine/run-image-training'
import { Rng } from '../../src/main/engine/rng'
import { RunConfigSchema, type RunConfig } from '../../src/shared/config'
import type { JobData } from '../../src/shared/trainer-protocol'
import { blockPixels } from './tiny-images'

/** Pixels and labels (0 top, 1 bottom) of n block images. */
export function blockSet(n: number, seed: number): { pixels: Uint8Array[]; labels: number[] } {
  const rng = new Rng(seed)
  const pixels = Array.from({ length: n }, (_, k) => new Uint8Array(blockPixels(k % 2 === 0, 16, rng)))
  return { pixels, labels: pixels.map((_, k) => k % 2) }
}

/** Trains the small ViT into runDir/model; returns the job data and the test pixels. */
export async function trainTinyVit(runDir: string): Promise<{ data: JobData; test: Uint8Array[]; config: RunConfig }> {
  const config = RunConfigSchema.parse({
    model: { dModel: 16, nHeads: 2, nLayers: 2, dropout: 0, attnDropout: 0 },
    train: { epochs: 3, batchSize: 16, learningRate: 3e-3, patience: 0, seed: 5, workers: 1 },
    image: { size: 16, channels: 3 },
  })
  const [train, validation, test] = [blockSet(64, 1), blockSet(16, 2), blockSet(12, 3)]
  const rows = (s: { labels: number[] }) => ({ texts: s.labels.map((l, i) => `${l ? 'bottom' : 'top'}-${i}.png`), labels: s.labels, indices: s.labels.map((_, i) => i) })
  const data: JobData = { labels: ['top', 'bottom'], train: rows(train), validation: rows(validation), test: rows(test) }
  const quiet = { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }
  await runImageTraining({ config, data, runDir, pixels: { train: train.pixels, validation: validation.pixels, test: test.pixels } }, quiet, new AbortController().signal)
  return { data, test: test.pixels, config }
}

/** The model folder inside a run folder. */
export const modelDirOf = (runDir: string) => join(runDir, 'model')
