// Shared setup for the runs service tests: a temp home, a database with a seeded dataset, and a
// datasets dependency that serves its split rows.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RunEvent } from '../../../src/shared/domain'
import type { JobData } from '../../../src/shared/trainer-protocol'
import { openDb, type Db } from '../../../src/main/store/db'
import { createRunService, type RunService, type RunServiceDeps } from '../../../src/main/services/runs'
import type { SpawnTrainer } from '../../../src/main/services/trainer-host'

/** A small two-class dataset: 20 training rows, 10 validation rows with row indices 100..109. */
export function twoClassData(): JobData {
  const texts = (n: number, off: number) => Array.from({ length: n }, (_, i) => `${i % 2 ? 'great fine good' : 'awful bad poor'} text ${off + i}`)
  return {
    labels: ['neg', 'pos'],
    train: { texts: texts(20, 0), labels: Array.from({ length: 20 }, (_, i) => i % 2) },
    validation: { texts: texts(10, 100), labels: Array.from({ length: 10 }, (_, i) => i % 2), indices: Array.from({ length: 10 }, (_, i) => 100 + i) },
  }
}

/** Insert a dataset and one version so runs can reference them (foreign keys are on). */
export function seedDataset(db: Db, datasetId: string, versionId = `${datasetId}_v1`): void {
  const now = new Date().toISOString()
  db.prepare('INSERT INTO datasets (id, name, created_at, current_version_id) VALUES (?, ?, ?, NULL)').run(datasetId, datasetId, now)
  db.prepare(
    `INSERT INTO dataset_versions (id, dataset_id, created_at, content_hash, row_count, source_json) VALUES (?, ?, ?, 'h', 30, '{}')`,
  ).run(versionId, datasetId, now)
  db.prepare('UPDATE datasets SET current_version_id = ? WHERE id = ?').run(versionId, datasetId)
}

/** A home folder, a database and a runs service wired to `spawn`; `cleanup` closes everything. */
/** What makeEnv gives a test. */
export interface RunsEnv {
  home: string
  db: Db
  events: RunEvent[]
  datasets: RunServiceDeps['datasets']
  service: RunService
  make: (more?: Partial<RunServiceDeps>) => RunService
  cleanup(): Promise<void>
}

export function makeEnv(spawn: SpawnTrainer, extra: Partial<RunServiceDeps> = {}, data: Record<string, JobData> = {}): RunsEnv {
  const home = mkdtempSync(join(tmpdir(), 'wb-runs-'))
  const db = openDb(join(home, 'workbench.db'))
  const rows: Record<string, JobData> = { ds1_v1: twoClassData(), ...data }
  for (const v of Object.keys(rows)) seedDataset(db, v.replace(/_v1$/, ''))
  const events: RunEvent[] = []
  const datasets: RunServiceDeps['datasets'] = {
    resolveVersion: (datasetId) => {
      if (!rows[`${datasetId}_v1`]) throw new Error(`no dataset ${datasetId}`)
      return { datasetId, versionId: `${datasetId}_v1` }
    },
    loadSplitRows: (versionId) => structuredClone(rows[versionId]),
  }
  const make = (more: Partial<RunServiceDeps> = {}) =>
    createRunService({ db, home, spawn, datasets, emit: (e) => events.push(e), ...extra, ...more })
  const service = make()
  return {
    home,
    db,
    events,
    datasets,
    service,
    make,
    async cleanup() {
      await service.close()
      db.close()
      rmSync(home, { recursive: true, force: true })
    },
  }
}

/** A config small enough for the fake trainer and the real one. */
export const tinyConfig = (over: Record<string, unknown> = {}) => ({
  model: { dModel: 16, nHeads: 2, nLayers: 1, seqLen: 16, ffnDim: 32, dropout: 0, attnDropout: 0 },
  tokenizer: { kind: 'word', vocabSize: 64 },
  train: { epochs: 2, batchSize: 8, learningRate: 0.001, patience: 0, ...((over.train as object) ?? {}) },
  ...Object.fromEntries(Object.entries(over).filter(([k]) => k !== 'train')),
})
