// An image run through the exports service: the trainer reads the run's test images from their files (checked
// against their fingerprints), the export is verified on them, and the bundle imports back as a completed run
// whose model reproduces the bundle's checks (the check images travel as JSON lists of pixels).
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UserError } from '../../../src/shared/api'
import type { JobData } from '../../../src/shared/trainer-protocol'
import { initBackend } from '../../../src/main/engine'
import { Rng } from '../../../src/main/engine/rng'
import { createExportService } from '../../../src/main/services/exports'
import { createNodeSpawner } from '../../../src/main/services/trainer-host'
import { openDb, type Db } from '../../../src/main/store/db'
import { createRunsRepo } from '../../../src/main/store/runs-repo'
import { blockImage } from '../../helpers/tiny-images'
import { trainTinyVit } from '../../helpers/tiny-vit'

const home = mkdtempSync(join(tmpdir(), 'wb-image-exports-'))
const runId = 'run_image_src'
let db: Db
let data: JobData

function service() {
  const runs = createRunsRepo(db)
  return createExportService({
    db,
    home,
    spawn: createNodeSpawner({ env: { WORKBENCH_BACKEND: 'cpu' } }),
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
  const runDir = join(home, 'runs', runId)
  const trained = await trainTinyVit(runDir)
  // The test split as image files of other sizes than the model's: the trainer crops and resizes them.
  const files = join(home, 'images')
  mkdirSync(files)
  const rng = new Rng(21)
  const images = []
  for (const [i, y] of trained.data.test!.labels.entries()) {
    const path = join(files, `${i}.png`)
    writeFileSync(path, await blockImage(y === 0, 20 + 4 * (i % 3), rng, 'png'))
    images.push({ path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') })
  }
  data = { ...trained.data, test: { ...trained.data.test!, images } }
  writeFileSync(join(runDir, 'data.json'), JSON.stringify(data))
  createRunsRepo(db).insert({ id: runId, name: 'Blocks', status: 'completed', createdAt: new Date().toISOString(), datasetId: null, datasetVersionId: null, config: trained.config, parentRunId: null, parentKind: null, sweepId: null, runDir })
}, 120_000)

afterAll(() => {
  db?.close()
  rmSync(home, { recursive: true, force: true })
})

describe('exporting an image run through the service', () => {
  it('verifies on the run test images read from their files, and the bundle imports back as a run', async () => {
    const res = await service().create({ runId, formats: ['tfjs', 'onnx', 'zip'] })
    expect(res.verification.ok).toBe(true)
    expect(res.verification.rows).toBe(6 + data.test!.texts.length)
    expect(res.verification.maxProbDiff).toBeLessThanOrEqual(1e-4)
    const run = await service().importBundle({ source: { kind: 'path', path: join(res.outDir, 'model-bundle.zip') } })
    expect(run).toMatchObject({ status: 'completed', parentKind: 'import', name: 'Blocks (imported)' })
  }, 120_000)

  it('refuses in a sentence when a test image changed since import', async () => {
    writeFileSync(data.test!.images![0]!.path, await blockImage(true, 16, new Rng(99), 'png'))
    await expect(service().create({ runId, formats: ['tfjs'] })).rejects.toThrow(/"top-0\.png" has changed since the dataset was imported/)
  }, 60_000)
})
