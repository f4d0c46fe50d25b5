// Inference threads: a large prediction or evaluation shared out between the owner's thread and worker
// threads gives exactly the probabilities and metrics of one thread, rows in input order.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluateModel, initBackend, loadModel, predictTexts, useInferenceThreads } from '../../../../src/main/engine'
import { saveModelFolder } from '../../../../src/main/engine/model-folder'
import { buildModel, resolveDims } from '../../../../src/main/engine/models'
import { MIN_PARALLEL_ROWS } from '../../../../src/main/engine/parallel/infer-pool'
import { readParams } from '../../../../src/main/engine/params'
import { trainTokenizer } from '../../../../src/main/engine/tokenizers'
import { resolveConfig } from '../../../../src/shared/config'
import { tinyTexts } from '../../../helpers/tiny-data'

const root = mkdtempSync(join(tmpdir(), 'wb-infer-pool-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe.each(['cpu', 'wasm'] as const)('inference threads on %s', (backend) => {
  beforeAll(async () => {
    await initBackend([backend])
  })

  it('predict and evaluate give one thread\'s exact results in input order', async () => {
    const { texts, labels } = tinyTexts(MIN_PARALLEL_ROWS + 88, 21)
    const tok = trainTokenizer({ kind: 'word', vocabSize: 64, lowercase: true, normalize: 'NFKC' }, texts)
    const config = resolveConfig(null, { model: { dModel: 16, nHeads: 2, nLayers: 2, seqLen: 16 } })
    const spec = { dims: resolveDims(config.model, tok.vocabSize), head: 'classify' as const, nClasses: 2, lora: null }
    const m = buildModel(spec, 3)
    const weights = await readParams(m.params)
    for (const v of m.params.values()) v.dispose()
    const dir = join(root, backend)
    saveModelFolder(dir, { task: 'classify', config, spec, labels: ['neg', 'pos'], tokenizer: tok.toJSON(), training: { bestEpoch: 1, stoppedEarly: false, metrics: null, createdAt: new Date().toISOString() } }, weights)

    const one = await loadModel(dir)
    const many = await loadModel(dir)
    try {
      await useInferenceThreads(many, texts.length, 3)
      expect(many.threads).not.toBeNull()
      await useInferenceThreads(one, texts.length, 1)
      expect(one.threads).toBeNull()
      const a = await predictTexts(one, texts, { attention: false })
      const b = await predictTexts(many, texts, { attention: false })
      expect(b.map((p) => p.probabilities)).toEqual(a.map((p) => p.probabilities))
      const rows = { texts, labels, indices: texts.map((_, i) => i) }
      const ea = await evaluateModel(one, rows)
      const eb = await evaluateModel(many, rows)
      expect(eb.metrics).toEqual(ea.metrics)
      expect(eb.predictions).toEqual(ea.predictions)
    } finally {
      one.dispose()
      many.dispose()
    }
  }, 60_000)
})
