// The exports service with real trainer processes (cpu backend): an export is verified in the
// trainer and recorded; a tampered weight fails the export with the reason and leaves no bundle; a
// bundle imports back as a completed run whose rebuilt model predicts like the original; a damaged
// bundle is refused and leaves nothing behind.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UserError } from '../../../src/shared/api'
import { resolveConfig } from '../../../src/shared/config'
import type { JobData } from '../../../src/shared/trainer-protocol'
import { initBackend, runTraining } from '../../../src/main/engine'
import { readModelFolder } from '../../../src/main/engine/model-folder'
import { createExportService } from '../../../src/main/services/exports'
import { createNodeSpawner, runJob } from '../../../src/main/services/trainer-host'
import { openDb, type Db } from '../../../src/main/store/db'
import { createExportsRepo } from '../../../src/main/store/exports-repo'
import { createRunsRepo } from '../../../src/main/store/runs-repo'
import { tinyTexts } from '../../helpers/tiny-data'

const env = { WORKBENCH_BACKEND: 'cpu' }
const home = mkdtempSync(join(tmpdir(), 'wb-exports-'))
const runId = 'run_export_src'
let db: Db
let data: JobData

function service(spawn = createNodeSpawner({ env })) {
  const runs = createRunsRepo(db)
  return createExportService({
    db,
    home,
    spawn,
    datasets: null,
    runs: {
      get: ({ id }) => {
        const r = runs.get(id)
        if (!r) throw new UserError(`There is no run with id "${id}".`, 'not_found')
        return r
      },
    },
  })
}

beforeAll(async () => {
  db = openDb(join(home, 'workbench.db'))
  await initBackend(['cpu'])
  const train = tinyTexts(64, 7)
  const val = tinyTexts(16, 99)
  data = { labels: ['negative', 'positive'], train, validation: { ...val, indices: val.texts.map((_, i) => i) } }
  const config = resolveConfig(null, { model: { dModel: 16, nHeads: 2, nLayers: 1, seqLen: 12, ffnDim: 32 }, tokenizer: { kind: 'word', vocabSize: 48 }, train: { epochs: 4, batchSize: 16, learningRate: 5e-3 } })
  const runDir = join(home, 'runs', runId)
  mkdirSync(runDir, { recursive: true })
  writeFileSync(join(runDir, 'data.json'), JSON.stringify(data))
  const noop = () => {}
  await runTraining({ config, data, runDir, resume: false, initFrom: null }, { onProgress: noop, onMetric: noop, onCheckpoint: noop, onLog: noop }, new AbortController().signal)
  const repo = createRunsRepo(db)
  repo.insert({ id: runId, name: 'Source run', status: 'completed', createdAt: new Date().toISOString(), datasetId: null, datasetVersionId: null, config, parentRunId: null, parentKind: null, sweepId: null, runDir })
  repo.insert({ id: 'run_empty', name: 'Queued run', status: 'queued', createdAt: new Date().toISOString(), datasetId: null, datasetVersionId: null, config, parentRunId: null, parentKind: null, sweepId: null, runDir: join(home, 'runs', 'run_empty') })
})

afterAll(() => {
  db?.close()
  rmSync(home, { recursive: true, force: true })
})

describe('exports service', () => {
  // The bundle the import tests read: made once, by whichever of them runs first.
  let bundle: Promise<string> | null = null
  const bundleDir = () => (bundle ??= (async () => (await service().create({ runId, formats: ['tfjs', 'zip'] })).outDir)())

  it('exports in a trainer process, verifies every format and records the result', async () => {
    const res = await service().create({ runId, formats: ['tfjs', 'onnx', 'zip'] })
    expect(res.outDir.startsWith(join(home, 'runs', runId, 'exports'))).toBe(true)
    expect(res.verification.ok).toBe(true)
    expect(res.verification.rows).toBe(data.validation.texts.length + 5)
    expect(res.verification.maxProbDiff).toBeLessThanOrEqual(1e-4)
    expect(res.files).toEqual(expect.arrayContaining(['model.json', 'model.onnx', 'predict.mjs', 'index.html', 'MODEL_CARD.md', 'model-bundle.zip']))
    expect(readFileSync(join(res.outDir, 'MODEL_CARD.md'), 'utf8')).toContain('# Source run')
    // Newest first: this export's record, whatever other tests exported before.
    const records = createExportsRepo(db).ofRun(runId)
    expect(records[0]).toMatchObject({ ok: true, outDir: res.outDir })
    expect(records[0].verification).toMatchObject({ ok: true, rows: res.verification.rows })
  })

  it('fails an export whose written weights differ from the model, records why and leaves no bundle', async () => {
    const tamper = createNodeSpawner({ entry: resolve(__dirname, 'tamper-trainer.ts'), execArgv: ['--import', 'tsx'], env })
    const outDir = join(home, 'tampered-export')
    const err = await Promise.resolve(service(tamper).create({ runId, outDir, formats: ['tfjs'] })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UserError)
    expect((err as Error).message).toMatch(/not saved because it does not reproduce the app's predictions: tfjs: \d+ of \d+ rows got a different label/)
    const records = createExportsRepo(db).ofRun(runId)
    expect(records[0]).toMatchObject({ ok: false, outDir })
    expect((records[0].verification as { formats: { tfjs: { ok: boolean } } }).formats.tfjs.ok).toBe(false)
    expect(readdirSync(outDir)).toEqual([])
  })

  it('exports the classic baseline trained beside the run, verified on the same rows, and refuses a run without one in a sentence', async () => {
    const res = await service().create({ runId, formats: ['tfjs', 'onnx'], model: 'baseline' })
    expect(res.model).toBe('baseline')
    expect(res.verification.ok).toBe(true)
    expect(Object.keys(res.verification.formats).sort()).toEqual(['onnx', 'tfjs'])
    expect(res.verification.rows).toBe(data.validation.texts.length + 4) // no test split here: the validation rows
    expect(res.files).toEqual(expect.arrayContaining(['vectorizer.json', 'model.json', 'model.onnx', 'predict.mjs', 'index.html', 'MODEL_CARD.md']))
    expect(res.files).not.toContain('tokenizer.json')
    expect(createExportsRepo(db).ofRun(runId)[0]).toMatchObject({ ok: true, outDir: res.outDir })
    await expect(service().create({ runId: 'run_empty', formats: ['tfjs'], model: 'baseline' })).rejects.toThrow(/^The run "Queued run" has no classic baseline to export/)
    // A table run's baseline is another kind of model: said in a sentence, not taken for a damaged file.
    const repo = createRunsRepo(db)
    const table = { ...repo.get(runId)!, id: 'run_table', name: 'Table run' }
    repo.insert({ id: table.id, name: table.name, status: 'completed', createdAt: table.createdAt, datasetId: null, datasetVersionId: null, config: table.config, parentRunId: null, parentKind: null, sweepId: null, runDir: join(home, 'runs', 'run_table') })
    const m = { accuracy: 0.9, macroF1: 0.9, weightedF1: 0.9, loss: 0.3, perClass: {}, confusion: [], labels: ['a', 'b'] }
    repo.setResult('run_table', { ...m, baseline: { kind: 'table-logreg', accuracy: 0.8, macroF1: 0.8, split: 'test', rows: 10, validation: { accuracy: 0.8, macroF1: 0.8, rows: 10 }, seconds: 0.1, features: 4, C: 1 } }, null)
    await expect(service().create({ runId: 'run_table', formats: ['tfjs'], model: 'baseline' })).rejects.toThrow(/Only the text baseline \(TF-IDF \+ logistic regression\) can be exported as a bundle so far; the classic baseline of "Table run" is a table-logreg model/)
  })

  it('refuses to export a run without a model, or an unknown run', async () => {
    await expect(service().create({ runId: 'run_empty', formats: ['tfjs'] })).rejects.toThrow(/has no trained model to export \(it is queued\)/)
    await expect(service().create({ runId: 'run_nope', formats: ['tfjs'] })).rejects.toThrow(/no run with id/)
  })

  it('imports a bundle .zip as a completed run whose rebuilt model predicts like the original', async () => {
    const run = await service().importBundle({ source: { kind: 'path', path: join(await bundleDir(), 'model-bundle.zip') } })
    expect(run).toMatchObject({ status: 'completed', parentKind: 'import', name: 'Source run (imported)' })
    const modelDir = join(home, 'runs', run.id, 'model')
    const original = readModelFolder(join(home, 'runs', runId, 'model'))
    const rebuilt = readModelFolder(modelDir)
    expect(rebuilt.file.config).toEqual(original.file.config)
    for (const [name, w] of original.weights) expect(rebuilt.weights.get(name)?.data).toEqual(w.data)
    const texts = data.validation.texts.slice(0, 4)
    const [a, b] = await Promise.all([
      runJob(createNodeSpawner({ env }), { kind: 'predict', modelDir: join(home, 'runs', runId, 'model'), texts, attention: false }),
      runJob(createNodeSpawner({ env }), { kind: 'predict', modelDir, texts, attention: false }),
    ])
    expect(b).toEqual(a)
  })

  it('refuses a damaged bundle with a clear message and registers nothing', async () => {
    const bad = join(home, 'bad-bundle')
    cpSync(await bundleDir(), bad, { recursive: true })
    const bin = join(bad, 'group1-shard1of1.bin')
    writeFileSync(bin, readFileSync(bin).subarray(0, 100))
    const before = readdirSync(join(home, 'runs')).length
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n
    const rows = count()
    await expect(service().importBundle({ source: { kind: 'path', path: bad } })).rejects.toThrow(/The bundle is damaged: its weights file has 100 bytes .* \(the file is cut short\)/)
    await expect(service().importBundle({ source: { kind: 'path', path: join(home, 'workbench.db') } })).rejects.toThrow(/not a model bundle/)
    expect(count()).toBe(rows)
    expect(readdirSync(join(home, 'runs')).length).toBe(before)
    expect(existsSync(bad)).toBe(true)
  })
})
