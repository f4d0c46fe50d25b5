// Pretraining pays: the label of a text depends on which category its object word belongs to, and the
// word -> category associations are stated only in unlabeled sentences ("a zib is a kind of fruit").
// The labelled rows name only a few of the words; the held-out rows use the others. A classifier trained
// from scratch cannot know the unseen words; one fine-tuned from an encoder pretrained (masked-language
// model) on the unlabeled sentences can. Also: the masked-language-model objective itself learns.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateModel, initBackend, loadModel, runTraining } from '../../../src/main/engine'
import { maskBatch } from '../../../src/main/engine/training/masking'
import { padRows } from '../../../src/main/engine/training/batching'
import { MASK_ID, NUM_SPECIAL } from '../../../src/main/engine/tokenizers/special-tokens'
import { resolveConfig, type RunConfigInput } from '../../../src/shared/config'
import type { JobData } from '../../../src/shared/trainer-protocol'

const dirs: string[] = []
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'engine-pretrain-'))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
beforeAll(async () => {
  await initBackend(['wasm'])
})

const quiet = { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }

/** Invented words, half of them fruits and half tools, in a seeded order. */
function corpus(seed: number) {
  let s = seed
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]
  const syll = ['ba', 'ko', 'zi', 'mu', 're', 'ta', 'lo', 'ne', 'pi', 'su', 'ga', 'do']
  const words = new Set<string>()
  while (words.size < 32) words.add(pick(syll) + pick(syll) + pick(syll))
  const all = [...words]
  const category = new Map(all.map((w, i) => [w, i % 2]))
  const cues = [['fruit', 'sweet', 'ripe', 'juicy'], ['tool', 'metal', 'sharp', 'heavy']]
  // Unlabeled: every word with the cue words of its category, in a few sentence frames.
  const unlabeled: string[] = []
  for (let r = 0; r < 24; r++) {
    for (const w of all) {
      const c = cues[category.get(w)!]
      unlabeled.push(pick([`a ${w} is a ${c[0]}`, `the ${w} is ${pick(c)}`, `${pick(c)} ${w}`, `${w} ${pick(c)} ${pick(c)}`]))
    }
  }
  // Labelled: neutral frames that never mention the category; 8 words for training, the rest held out.
  const frame = () => pick(['i saw the', 'she bought a', 'we found one', 'he wanted the', 'they sold a'])
  const rows = (ws: string[], n: number) => {
    const texts: string[] = []
    const labels: number[] = []
    for (let i = 0; i < n; i++) {
      const w = ws[i % ws.length]
      texts.push(`${frame()} ${w} ${pick(['today', 'yesterday', 'again', 'there'])}`)
      labels.push(category.get(w)!)
    }
    return { texts, labels }
  }
  const seen = all.slice(0, 8)
  const unseen = all.slice(8)
  const train = rows(seen, 64)
  const val = rows(seen, 16)
  const test = rows(unseen, 96)
  const data: JobData = { labels: ['fruit', 'tool'], train, validation: { ...val, indices: val.texts.map((_, i) => i) }, unlabeled }
  return { data, test: { ...test, indices: test.texts.map((_, i) => i) } }
}

const body = { arch: 'encoder' as const, dModel: 32, nHeads: 2, nLayers: 1, seqLen: 16, dropout: 0, attnDropout: 0, pooling: 'mean' as const }
const tokenizer = { kind: 'word' as const, vocabSize: 200 }

async function accuracyOf(runDir: string, test: ReturnType<typeof corpus>['test']): Promise<number> {
  const m = await loadModel(join(runDir, 'model'))
  const { metrics } = await evaluateModel(m, test)
  m.dispose()
  return metrics.accuracy
}

describe('masked-language-model pretraining', () => {
  it('masks about 15% of real word tokens, 80% of them as [MASK], never specials or padding', () => {
    const rows = Array.from({ length: 64 }, (_, r) => Int32Array.from([2, ...Array.from({ length: 20 + (r % 9) }, (_, i) => NUM_SPECIAL + ((r * 31 + i * 7) % 90))]))
    const b = padRows(rows, rows.map((_, i) => i))
    const m = maskBatch(b, 100, 0.15, 7)
    const real = rows.reduce((n, r) => n + r.length - 1, 0)
    expect(m.positions.length / real).toBeGreaterThan(0.11)
    expect(m.positions.length / real).toBeLessThan(0.19)
    let masked = 0
    m.positions.forEach((p, k) => {
      expect(b.mask[p]).toBe(1)
      expect(b.ids[p]).toBeGreaterThanOrEqual(NUM_SPECIAL)
      expect(m.targets[k]).toBe(b.ids[p])
      if (m.ids[p] === MASK_ID) masked++
    })
    expect(masked / m.positions.length).toBeGreaterThan(0.7)
    expect(masked / m.positions.length).toBeLessThan(0.9)
    // Unchosen positions are untouched; the draw is a pure function of the seed.
    for (let i = 0; i < b.ids.length; i++) if (!m.positions.includes(i)) expect(m.ids[i]).toBe(b.ids[i])
    expect(maskBatch(b, 100, 0.15, 7)).toEqual(m)
  })

  // The result does not depend on the machine (seeded, the same with any number of threads). The file needs
  // about 45 s of CPU, but on a machine shared with other work its wall time reached 680 s (a load of 24 on
  // two cores: five minutes per seed was exceeded), so the timeout only guards against a hang.
  it.each([1, 2])('pretraining then fine-tuning beats training from scratch on words only the unlabeled text explains (seed %i)', { timeout: 900_000 }, async (seed) => {
    const before = tf.memory().numTensors
    {
      const { data, test } = corpus(seed)
      // Validation rows name only the seen words, so validation macro-F1 saturates at the first epoch and
      // says nothing about unseen words; the kept epoch is chosen by validation loss.
      const common: RunConfigInput = { model: body, tokenizer, train: { seed, batchSize: 8, patience: 0, keepBest: 'loss' } }

      const scratchDir = tempDir()
      await runTraining({ config: resolveConfig(null, common, { train: { epochs: 8, learningRate: 3e-3 } }), data, runDir: scratchDir, resume: false, initFrom: null }, quiet, new AbortController().signal)
      const scratch = await accuracyOf(scratchDir, test)

      const preDir = tempDir()
      const valLosses: number[] = []
      await runTraining(
        {
          config: resolveConfig(null, common, { task: 'pretrain', train: { epochs: 30, learningRate: 5e-3 } }),
          data: { ...data, unlabeled: [...data.unlabeled!, ...data.train.texts], train: { texts: [], labels: [] } },
          runDir: preDir,
          resume: false,
          initFrom: null,
        },
        { ...quiet, onMetric: (p) => p.split === 'validation' && valLosses.push(p.loss) },
        new AbortController().signal,
      )
      expect(valLosses[valLosses.length - 1]).toBeLessThan(valLosses[0])

      const ftDir = tempDir()
      await runTraining(
        { config: resolveConfig(null, common, { train: { epochs: 4, learningRate: 3e-3 }, finetune: { fromRunId: 'base' } }), data, runDir: ftDir, resume: false, initFrom: join(preDir, 'model') },
        quiet,
        new AbortController().signal,
      )
      const pretrained = await accuracyOf(ftDir, test)
      expect(scratch).toBeLessThan(0.6)
      expect(pretrained).toBeGreaterThan(0.65)
      expect(pretrained - scratch).toBeGreaterThan(0.12)
    }
    expect(tf.memory().numTensors).toBe(before)
  })
})
