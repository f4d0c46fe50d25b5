import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createDatasetsRepo } from '../../../src/main/store/datasets-repo'
import { openDb } from '../../../src/main/store/db'
import { tmpDir } from '../data/fixtures'

const source = { fileName: 'f.csv', format: 'csv', encoding: 'utf-8', textColumns: ['text'], labelColumn: 'label', splitColumn: null }
const split = { train: 0.8, validation: 0.1, test: 0.1, seed: 42, note: 'stratified' }
const summary = { labels: ['a'], labelCounts: { a: 3 }, splitCounts: { train: 3 } }
const rows = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => ({ idx: offset + i, text: `t${offset + i}`, label: 'a', split: 'train' as const }))

function setup() {
  const db = openDb(join(tmpDir('wb-repo-'), 'w.db'))
  const repo = createDatasetsRepo(db)
  const staged = (id: string) => {
    repo.createStaging({ datasetId: id, versionId: `${id}_v1`, name: id, createdAt: new Date().toISOString(), pid: 1, source })
  }
  return { db, repo, staged }
}

describe('datasets repository', () => {
  it('hides a staged import until it completes, then lists it with its summary', () => {
    const { repo, staged } = setup()
    staged('d1')
    repo.insertRows('d1_v1', rows(250))
    expect(repo.list()).toEqual([])
    expect(repo.stagingImports()).toEqual([{ id: 'd1', pid: 1 }])
    repo.completeImport('d1', 'd1_v1', { contentHash: 'h1', rowCount: 250, summary }, split)
    const [d] = repo.list()
    expect(d).toMatchObject({ id: 'd1', status: 'ready', versions: 1, version: { id: 'd1_v1', contentHash: 'h1', rowCount: 250, summary, split, source } })
    expect(repo.stagingImports()).toEqual([])
    expect(repo.count('d1_v1')).toBe(250)
  })

  it('writes batches in multi-row statements without losing or reordering rows', () => {
    const { repo, staged } = setup()
    staged('d1')
    repo.insertRows('d1_v1', rows(137))
    repo.insertRows('d1_v1', rows(3, 137))
    const all = repo.rowsAfter('d1_v1', -1, 1000)
    expect(all.map((r) => r.idx)).toEqual(Array.from({ length: 140 }, (_, i) => i))
    expect(all[139]).toEqual({ idx: 139, text: 't139', label: 'a', split: 'train' })
  })

  it('finds ready datasets by content hash, never staged or deleted ones', () => {
    const { repo, staged } = setup()
    staged('d1')
    repo.completeImport('d1', 'd1_v1', { contentHash: 'same', rowCount: 0, summary }, split)
    staged('d2')
    repo.completeImport('d2', 'd2_v1', { contentHash: 'other', rowCount: 0, summary }, split)
    expect(repo.findByContentHash('same')).toBe('d1')
    expect(repo.findByContentHash('same', 'd1')).toBeNull()
    repo.softDelete('d1', new Date().toISOString())
    expect(repo.findByContentHash('same')).toBeNull()
  })

  it('keeps a derived version invisible until it is published; dropping an unpublished one leaves the rest', () => {
    const { db, repo, staged } = setup()
    staged('d1')
    repo.insertRows('d1_v1', rows(10))
    repo.completeImport('d1', 'd1_v1', { contentHash: 'h', rowCount: 10, summary }, split)
    repo.createPendingVersion({ datasetId: 'd1', versionId: 'v2', parentVersionId: 'd1_v1', createdAt: 'now', source, split, note: 'x', pid: 4242 })
    repo.insertRows('v2', rows(4))
    repo.insertRows('v2', rows(3, 4))
    expect(repo.get('d1')).toMatchObject({ versions: 1, version: { id: 'd1_v1' } })
    expect(repo.versionsOf('d1').map((v) => v.id)).toEqual(['d1_v1'])
    expect(repo.unpublishedVersions()).toEqual([{ id: 'v2', pid: 4242 }])
    repo.dropUnpublished('v2', 2)
    expect(repo.version('v2')).toBeNull()
    expect(db.prepare("SELECT count(*) AS n FROM dataset_rows WHERE version_id = 'v2'").get()).toEqual({ n: 0 })
    // A published version is never dropped this way.
    repo.dropUnpublished('d1_v1', 2)
    expect(repo.count('d1_v1')).toBe(10)

    repo.createPendingVersion({ datasetId: 'd1', versionId: 'v3', parentVersionId: 'd1_v1', createdAt: 'now', source, split, note: 'fixed', pid: 4242 })
    repo.insertRows('v3', rows(5))
    expect(repo.publishVersion('d1', 'v3', { contentHash: 'h3', rowCount: 5, summary })).toBe(true)
    expect(repo.get('d1')).toMatchObject({ versions: 2, version: { id: 'v3', parentVersionId: 'd1_v1', rowCount: 5, note: 'fixed' } })
    expect(repo.unpublishedVersions()).toEqual([])
    // Publishing for a deleted dataset is refused.
    repo.createPendingVersion({ datasetId: 'd1', versionId: 'v4', parentVersionId: 'v3', createdAt: 'now', source, split, note: 'y', pid: 4242 })
    repo.softDelete('d1', 'now')
    expect(repo.publishVersion('d1', 'v4', { contentHash: 'h4', rowCount: 0, summary })).toBe(false)
  })

  it('pages rows by split and counts them; discards a dataset with all versions and rows', () => {
    const { db, repo, staged } = setup()
    staged('d1')
    repo.insertRows('d1_v1', rows(20))
    repo.setSplits('d1_v1', [{ idx: 3, split: 'test' }, { idx: 7, split: 'test' }, { idx: 9, split: 'validation' }])
    expect(repo.page('d1_v1', 0, 10, 'test').map((r) => r.idx)).toEqual([3, 7])
    expect(repo.count('d1_v1', 'validation')).toBe(1)
    expect(repo.rowsByIdx('d1_v1', [9, 3, 99]).map((r) => r.idx)).toEqual([9, 3])
    repo.discard('d1')
    expect(repo.get('d1')).toBeNull()
    expect(db.prepare('SELECT count(*) AS n FROM dataset_rows').get()).toEqual({ n: 0 })
  })
})
