// Defaults measured with bench:pretrain, under the user's own settings: a pretraining run makes 16 passes at
// 3e-3 whatever the preset; a fine-tune from a masked-language model pretrained here uses mean pooling and
// the body at the full learning rate; one from an imported checkpoint keeps the preset's ([CLS], a tenth).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../../src/shared/config'
import { createBasesRepo } from '../../../src/main/store/bases-repo'
import { openDb } from '../../../src/main/store/db'
import { createRunsRepo } from '../../../src/main/store/runs-repo'
import { createFinetuneStarts } from '../../../src/main/services/finetune-start'
import { createRunConfigs } from '../../../src/main/services/run-configs'
import { tempDir } from '../../helpers/temp-dirs'

function setup() {
  const home = tempDir('wb-ftdefaults-')
  const db = openDb(join(home, 'workbench.db'))
  const runs = createRunsRepo(db)
  const bases = createBasesRepo(db)
  const starts = createFinetuneStarts({ db, home, runRecord: (id) => runs.record(id) })
  const configs = createRunConfigs({ starts, sizer: () => null, countRuns: () => 0 })
  /** A completed pretraining run with a saved model folder, listed as a base. */
  const pretrained = (id: string, arch: 'encoder' | 'decoder') => {
    const runDir = join(home, 'runs', id)
    mkdirSync(join(runDir, 'model'), { recursive: true })
    writeFileSync(join(runDir, 'model', 'model.json'), '{}')
    const config = resolveConfig('quick', { task: 'pretrain', model: { arch, dModel: 48, nHeads: 4 } })
    runs.insert({ id, name: id, status: 'completed', createdAt: new Date().toISOString(), datasetId: null, datasetVersionId: null, config, parentRunId: null, parentKind: null, sweepId: null, runDir })
    bases.insert({ id: `base_${id}`, name: id, createdAt: new Date().toISOString(), source: 'pretrain', sourcePath: null, runId: id, family: arch, params: 1, vocabSize: 100, maxLength: 129, info: { dModel: 48, nLayers: 2, nHeads: 4, languages: [], license: null } })
    return `base_${id}`
  }
  return { home, configs, pretrained }
}

describe('fine-tune defaults by base', () => {
  it('a masked-language model pretrained here: mean pooling and the full body rate, its own shape', () => {
    const { configs, pretrained } = setup()
    const baseId = pretrained('run_mlm', 'encoder')
    const c = configs.forRun('quick', { finetune: { baseId } })
    expect(c.model).toMatchObject({ arch: 'encoder', dModel: 48, pooling: 'mean' })
    expect(c.finetune).toMatchObject({ baseId, bodyLrScale: 1, mode: 'full' })
    // The same through --from RUN.
    expect(configs.forRun('quick', { finetune: { fromRunId: 'run_mlm' } }).model.pooling).toBe('mean')
  })

  it("the user's own pooling and body rate win over those defaults, in a run and in a sweep point", () => {
    const { configs, pretrained } = setup()
    const baseId = pretrained('run_mlm', 'encoder')
    const c = configs.forRun('quick', { model: { pooling: 'cls' }, finetune: { baseId, bodyLrScale: 0.3 } })
    expect(c.model.pooling).toBe('cls')
    expect(c.finetune.bodyLrScale).toBe(0.3)
    const p = configs.forSweepPoint('quick', null, { finetune: { baseId } }, { 'finetune.bodyLrScale': 0.5 })
    expect(p.finetune.bodyLrScale).toBe(0.5)
    expect(p.model.pooling).toBe('mean')
  })

  it('a pretraining run makes 16 passes at 3e-3 unless the user says otherwise; a classifier keeps the preset', () => {
    const { configs } = setup()
    expect(configs.forRun('quick', { task: 'pretrain' }).train).toMatchObject({ epochs: 16, learningRate: 3e-3 })
    expect(configs.forRun('balanced', { task: 'pretrain', train: { epochs: 2 } }).train).toMatchObject({ epochs: 2, learningRate: 3e-3 })
    expect(configs.forSweepPoint('quick', null, { task: 'pretrain' }, { 'train.learningRate': 1e-3 }).train).toMatchObject({ epochs: 16, learningRate: 1e-3 })
    expect(configs.forRun('quick', {}).train).toMatchObject({ epochs: 3, learningRate: 2e-3 })
  })

  it('a decoder pretrained here and a classifier from scratch keep the preset', () => {
    const { configs, pretrained } = setup()
    const baseId = pretrained('run_clm', 'decoder')
    const d = configs.forRun('quick', { finetune: { baseId } })
    expect(d.model.pooling).toBe('cls')
    expect(d.finetune.bodyLrScale).toBe(0.1)
    const s = configs.forRun('quick', {})
    expect(s.model.pooling).toBe('cls')
    expect(s.finetune.bodyLrScale).toBe(0.1)
  })
})
