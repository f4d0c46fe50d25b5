// Exports of every attention variant with weights large enough to matter: each variant's own
// probabilities are shown to differ from plain softmax attention's on the same weights by far more
// than the verification tolerance (so a wrong variant in an export cannot pass), the ONNX file's
// per-layer attention weights equal the app's, and the causal decoder's ONNX attention is causal.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../../../src/shared/config'
import { initBackend, loadModel, predictTexts, type LoadedModel } from '../../../../src/main/engine'
import { exportModel } from '../../../../src/main/engine/export'
import { saveModelFolder } from '../../../../src/main/engine/model-folder'
import { buildModel, resolveDims } from '../../../../src/main/engine/models'
import { readParams } from '../../../../src/main/engine/params'
import { encodeBatch, trainTokenizer } from '../../../../src/main/engine/tokenizers'
import { tinyTexts } from '../../../helpers/tiny-data'

const root = mkdtempSync(join(tmpdir(), 'wb-export-variants-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
beforeAll(async () => {
  await initBackend(['cpu'])
})

const TOLERANCE = 1e-4 // what the export verification accepts
const SEQ = 12
const tok = () => trainTokenizer({ kind: 'word', vocabSize: 48, lowercase: true, normalize: 'NFKC' }, tinyTexts(40, 3).texts)
const texts = tinyTexts(10, 5).texts

/**
 * Saves a model of `model` settings whose matrices are scaled up from the 0.02 initialisation (to
 * std ~0.4), so attention patterns are sharp and variants really differ. Returns its folder.
 */
async function saveScaled(name: string, model: Record<string, unknown>, seed = 11): Promise<string> {
  const t = tok()
  const config = resolveConfig(null, { model: { dModel: 16, nHeads: 2, nLayers: 2, seqLen: SEQ, dropout: 0, attnDropout: 0, ...model } })
  const spec = { dims: resolveDims(config.model, t.vocabSize), head: 'classify' as const, nClasses: 3, lora: null }
  const m = buildModel(spec, seed)
  const weights = await readParams(m.params)
  for (const v of m.params.values()) v.dispose()
  for (const w of weights.values()) if (w.shape.length >= 2) for (let i = 0; i < w.data.length; i++) w.data[i] *= 20
  const dir = join(root, name)
  saveModelFolder(
    join(dir, 'model'),
    { task: 'classify', config, spec, labels: ['a', 'b', 'c'], tokenizer: t.toJSON(), training: { bestEpoch: 0, stoppedEarly: false, metrics: null, createdAt: new Date().toISOString() } },
    weights,
  )
  return dir
}

async function probs(m: LoadedModel): Promise<number[][]> {
  return (await predictTexts(m, texts, { attention: false })).map((p) => m.labels.map((l) => p.probabilities[l]))
}
const maxDiff = (a: number[][], b: number[][]) => Math.max(...a.flatMap((row, i) => row.map((v, c) => Math.abs(v - b[i][c]))))

async function exportAndVerify(dir: string) {
  const validation = { texts, labels: texts.map(() => 0), indices: texts.map((_, i) => i) }
  const r = await exportModel({ modelDir: join(dir, 'model'), outDir: join(dir, 'out'), formats: ['tfjs', 'onnx'], data: { labels: ['a', 'b', 'c'], train: { texts: [], labels: [] }, validation }, card: {} })
  return r
}

describe('exports of attention variants with sharp attention', () => {
  const variants: [string, Record<string, unknown>][] = [
    ['linear attention', { attention: 'linear' }],
    ['sliding window of 1 with grouped-query attention', { attention: 'sliding', window: 1, nHeads: 4, nKvHeads: 2 }],
    ['mean pooling with sinusoidal positions', { pooling: 'mean', positional: 'sinusoidal' }],
  ]
  for (const [name, over] of variants) {
    it(`${name}: differs from full attention by far more than the tolerance, and its export matches the app`, async () => {
      const variantDir = await saveScaled(name.replace(/\W+/g, '-'), over)
      // The same weights read as plain full attention (and [CLS] pooling / learned positions).
      const plainOver: Record<string, unknown> = { ...over, attention: 'full' }
      if ('pooling' in over) Object.assign(plainOver, { pooling: 'cls', positional: 'learned' })
      const plainDir = await saveScaled(`${name.replace(/\W+/g, '-')}-plain`, plainOver)
      const variant = await loadModel(join(variantDir, 'model'))
      const plain = await loadModel(join(plainDir, 'model'))
      try {
        const gap = maxDiff(await probs(variant), await probs(plain))
        expect(gap).toBeGreaterThan(100 * TOLERANCE)
        const r = await exportAndVerify(variantDir)
        expect(r.verification.ok).toBe(true)
        expect(r.verification.maxProbDiff).toBeLessThanOrEqual(TOLERANCE)
      } finally {
        variant.dispose()
        plain.dispose()
      }
    })
  }
})

describe('ONNX attention outputs', () => {
  for (const [name, over, causal] of [
    ['encoder', {}, false],
    ['causal decoder', { arch: 'decoder' }, true],
  ] as const) {
    it(`${name}: every layer's attention weights equal the app's${causal ? ', and no position attends to a later one' : ''}`, async () => {
      const dir = await saveScaled(`onnx-${name.replace(/\W+/g, '-')}`, over)
      const r = await exportAndVerify(dir)
      expect(r.verification.ok).toBe(true)
      const m = await loadModel(join(dir, 'model'))
      const session = await ort.InferenceSession.create(readFileSync(join(dir, 'out', 'model.onnx')))
      try {
        const some = texts.slice(0, 4)
        const app = await predictTexts(m, some, { attention: true })
        const enc = encodeBatch(m.tokenizer, some, { seqLen: SEQ, addCls: true, padTo: 'max' })
        const out = await session.run({
          ids: new ort.Tensor('int64', BigInt64Array.from(enc.ids, (v) => BigInt(v)), [enc.B, enc.T]),
          mask: new ort.Tensor('float32', enc.mask, [enc.B, enc.T]),
        })
        let worst = 0
        let strongest = 0
        for (let l = 0; l < 2; l++) {
          const a = out[`attention_${l}`]
          const [, H, T] = a.dims as number[]
          const data = a.data as Float32Array
          for (let i = 0; i < some.length; i++) {
            const mine = app[i].attention!.weights[l] // [H][t][t] over the real tokens
            const t = mine[0].length
            for (let h = 0; h < H; h++) {
              for (let q = 0; q < t; q++) {
                for (let k = 0; k < t; k++) {
                  const v = data[((i * H + h) * T + q) * T + k]
                  worst = Math.max(worst, Math.abs(v - mine[h][q][k]))
                  strongest = Math.max(strongest, v)
                  if (causal && k > q) expect(v).toBeLessThan(1e-6)
                }
              }
            }
          }
        }
        expect(worst).toBeLessThanOrEqual(TOLERANCE)
        // Sharp enough that a uniform or shifted map would be caught.
        expect(strongest).toBeGreaterThan(0.5)
      } finally {
        await session.release()
        m.dispose()
      }
    })
  }
})
