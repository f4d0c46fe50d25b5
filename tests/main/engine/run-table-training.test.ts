import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { loadModel, predictTexts, evaluateModel } from '../../../src/main/engine/predict'
import { runTraining } from '../../../src/main/engine/run-training'
import { tableBaselineFile } from '../../../src/main/engine/run-table-training'
import { resolveConfig } from '../../../src/shared/config'
import { guessTableColumns } from '../../../src/shared/table-guess'
import { tableRowJson } from '../../../src/shared/table-rows'
import type { JobData } from '../../../src/shared/trainer-protocol'
import { tempDir } from '../../helpers/temp-dirs'
import { tinyTable } from '../../helpers/tiny-table'

beforeAll(async () => {
  await initBackend(['wasm', 'cpu'])
})

function jobData(): JobData {
  const t = tinyTable(360, 5)
  const columns = guessTableColumns(t.columns, t.rows)
  const labels = ['hi', 'lo']
  const part = (rows: typeof t.rows) => ({ texts: rows.map((r) => tableRowJson(columns, r)), labels: rows.map((r) => labels.indexOf(r.label!)), indices: rows.map((_, i) => i) })
  return { labels, train: part(t.rows.slice(0, 280)), validation: part(t.rows.slice(280, 320)), test: part(t.rows.slice(320)), table: { columns } }
}

const quiet = { onProgress() {}, onMetric() {}, onCheckpoint() {}, onLog() {} }

describe('a table training job', () => {
  it('pauses at a checkpoint and resumes to the end; the saved model carries its prep and predicts rows of cells', async () => {
    const runDir = tempDir('wb-table-run-')
    const data = jobData()
    const config = resolveConfig(null, { model: { dModel: 32, nHeads: 4, nLayers: 1, dropout: 0 }, train: { epochs: 20, batchSize: 32, learningRate: 5e-3, patience: 20, seed: 3 } })
    const pause = new AbortController()
    const first = await runTraining({ config, data, runDir, resume: false, initFrom: null }, { ...quiet, onProgress: (p) => p.step === 20 && pause.abort('pause') }, pause.signal)
    expect(first.paused).toBe(true)
    expect(existsSync(join(runDir, 'checkpoints', 'latest.ckpt'))).toBe(true)
    expect(existsSync(join(runDir, 'model', 'model.json'))).toBe(false)
    let firstStep = -1
    const done = await runTraining({ config, data, runDir, resume: true, initFrom: null }, { ...quiet, onProgress: (p) => (firstStep = firstStep < 0 ? p.step : firstStep) }, new AbortController().signal)
    expect(firstStep).toBe(21)
    expect(done.paused).toBeFalsy()
    expect(done.metrics!.accuracy).toBeGreaterThan(0.8)
    expect(done.baseline!.kind).toBe('table-logreg')
    expect(JSON.parse(readFileSync(join(runDir, tableBaselineFile), 'utf8')).kind).toBe('table-logreg')

    const m = await loadModel(join(runDir, 'model'))
    try {
      expect(m.table!.numeric.map((c) => c.name)).toEqual(['width', 'height'])
      const ev = await evaluateModel(m, data.test!)
      expect(ev.metrics.accuracy).toBeGreaterThan(0.8)
      const [p] = await predictTexts(m, ['{"width": "95", "height": "5", "colour": "red"}'], { attention: true })
      expect(p!.label).toBe('hi')
      expect(p!.columns!.names).toEqual(['width', 'height', 'colour'])
      await expect(predictTexts(m, ['width 95'], { attention: false })).rejects.toThrow(/reads a row of cells as a JSON object/)
    } finally {
      m.dispose()
    }
  }, 120_000)

  it('refuses pretraining and fine-tuning on a table in a sentence', async () => {
    const runDir = tempDir('wb-table-run-')
    const config = resolveConfig(null, { task: 'pretrain' })
    await expect(runTraining({ config, data: jobData(), runDir, resume: false, initFrom: null }, quiet, new AbortController().signal)).rejects.toThrow(/Pretraining learns from text; this dataset is a table/)
    await expect(runTraining({ config: resolveConfig(null, {}), data: jobData(), runDir, resume: false, initFrom: '/somewhere' }, quiet, new AbortController().signal)).rejects.toThrow(/trains from scratch/)
  })
})
