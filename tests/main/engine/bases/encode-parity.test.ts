// Imported bases run on the engine's shared blocks exactly as their published architectures: the last
// hidden states of every fixture family (BERT, RoBERTa, XLM-R, ELECTRA, DistilBERT, GPT-2; F32, F16 and
// BF16 weights; one file or shards) match a float64 PyTorch reference within 1e-4.
import { mkdtempSync, rmSync } from 'node:fs'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/main/engine/backend'
import { encodeText, hiddenStates, loadBase } from '../../../../src/main/engine/bases/base-model'
import { planImport, writeBase } from '../../../../src/main/engine/bases/import-base'

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'bases')
const dir = mkdtempSync(join(tmpdir(), 'bases-parity-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeAll(async () => {
  await initBackend(['cpu'])
})

const FAMILIES = [
  { name: 'bert-tiny', family: 'bert' },
  { name: 'roberta-tiny', family: 'roberta' },
  { name: 'xlmr-tiny', family: 'xlm-roberta' },
  { name: 'electra-tiny', family: 'electra' },
  { name: 'distilbert-tiny', family: 'distilbert' },
  { name: 'gpt2-tiny', family: 'gpt2' },
] as const

describe('imported bases reproduce the reference hidden states', () => {
  for (const { name, family } of FAMILIES) {
    it(`${family} (${name}): last hidden states within 1e-4 of the reference`, async () => {
      const plan = planImport(join(FIXTURES, name))
      expect(plan.arch.family).toBe(family)
      const out = join(dir, name)
      await writeBase(plan, out)
      const base = loadBase(out)
      const ref = JSON.parse(readFileSync(join(FIXTURES, name, 'reference.json'), 'utf8')) as { sequences: number[][]; hidden: number[][][] }
      let maxDiff = 0
      let maxAbs = 0
      for (let s = 0; s < ref.sequences.length; s++) {
        const got = await hiddenStates(base, ref.sequences[s])
        expect(got.length).toBe(ref.sequences[s].length)
        got.forEach((row, t) =>
          row.forEach((v, d) => {
            maxDiff = Math.max(maxDiff, Math.abs(v - ref.hidden[s][t][d]))
            maxAbs = Math.max(maxAbs, Math.abs(ref.hidden[s][t][d]))
          }),
        )
      }
      base.dispose()
      expect(maxAbs).toBeGreaterThan(0.5) // the reference is not near zero, so the bound means something
      expect(maxDiff).toBeLessThanOrEqual(1e-4)
    })
  }

  it('encode gives one hidden row per token, special tokens included, and frees its tensors', async () => {
    const out = join(dir, 'bert-encode')
    await writeBase(planImport(join(FIXTURES, 'bert-tiny')), out)
    const base = loadBase(out)
    const before = tf.memory().numTensors
    const r = await encodeText(base, 'Hello world')
    expect(r.tokens[0]).toBe('[CLS]')
    expect(r.tokens[r.tokens.length - 1]).toBe('[SEP]')
    expect(r.hidden).toHaveLength(r.ids.length)
    expect(r.hidden[0]).toHaveLength(base.dims.dModel)
    expect(tf.memory().numTensors).toBe(before)
    base.dispose()
  })
})
