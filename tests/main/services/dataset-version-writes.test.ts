// Long dataset writes (re-split, fixes) go in short transactions under an unpublished version:
// another process's write gets the lock between batches, and a process killed midway leaves
// nothing visible, removed at the next start.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDatasetService, type DatasetService } from '../../../src/main/services/datasets'
import { openDb, type Db } from '../../../src/main/store/db'
import { csvRows, put, tmpDir } from '../data/fixtures'

let home: string
let db: Db
let svc: DatasetService

beforeEach(() => {
  home = tmpDir('wb-home-')
  db = openDb(join(home, 'workbench.db'))
  svc = createDatasetService({ db, home, emit: () => undefined, versionWrite: { chunkRows: 200, pauseMs: 20 } })
})

afterEach(() => {
  svc.close()
  db.close()
  rmSync(home, { recursive: true, force: true })
})

const ratios = { train: 0.6, validation: 0.2, test: 0.2, seed: 9 }
const unpublished = () => db.prepare('SELECT id FROM dataset_versions WHERE published = 0').all() as { id: string }[]

/**
 * A second connection on its own thread (as another process would be): it waits until a version is
 * being written, then renames the dataset, and reports whether that version was still unpublished
 * once its write had committed.
 */
const writerCode = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.mod)
const db = new Database(workerData.path)
db.pragma('busy_timeout = 5000')
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
parentPort.postMessage({ ready: true })
const t0 = Date.now()
let pending
while (!(pending = db.prepare('SELECT id FROM dataset_versions WHERE published = 0').get()) && Date.now() - t0 < 60000) sleep(1)
if (!pending) parentPort.postMessage({ sawPending: false })
else {
  const start = Date.now()
  try {
    db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run('renamed meanwhile', workerData.id)
    const still = db.prepare('SELECT published FROM dataset_versions WHERE id = ?').get(pending.id)
    parentPort.postMessage({ sawPending: true, ok: true, waitedMs: Date.now() - start, stillUnpublished: still?.published === 0 })
  } catch (err) {
    parentPort.postMessage({ sawPending: true, ok: false, error: String(err) })
  }
}
db.close()
`

describe('long dataset writes', () => {
  it('let a write from another connection through during a re-split, which then publishes every row', async () => {
    const d = await svc.importFile({ kind: 'path', path: put(tmpDir(), 'big.csv', csvRows(8000)) })
    const worker = new Worker(writerCode, { eval: true, workerData: { path: join(home, 'workbench.db'), mod: createRequire(import.meta.url).resolve('better-sqlite3'), id: d.id } })
    const exited = once(worker, 'exit')
    const messages: Record<string, unknown>[] = []
    const ready = new Promise<void>((resolve) => worker.on('message', (m: Record<string, unknown>) => (messages.push(m), m.ready && resolve())))
    await ready
    const after = await svc.split({ id: d.id, ratios })
    await exited
    const report = messages.find((m) => 'sawPending' in m)
    expect(report).toMatchObject({ sawPending: true, ok: true, stillUnpublished: true })
    expect(after.versions).toBe(2)
    const now = await svc.get({ id: d.id })
    expect(now.name).toBe('renamed meanwhile')
    expect(now.versionId).not.toBe(d.versionId)
    expect(now.rowCount).toBe(8000)
    expect(db.prepare('SELECT count(*) AS n FROM dataset_rows WHERE version_id = ?').get(now.versionId)).toEqual({ n: 8000 })
    expect(unpublished()).toEqual([])
  })

  it('leaves no half version visible when the writing process is killed, and removes it at the next start', async () => {
    const d = await svc.importFile({ kind: 'path', path: put(tmpDir(), 'mid.csv', csvRows(3000)) })
    const child = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'tests/main/services/resplit-child.ts'), home, d.id], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    const exited = once(child, 'exit')
    // Wait until the child has committed some batches of its new version, then kill it.
    const t0 = Date.now()
    let pending: { id: string; n: number } | undefined
    while (Date.now() - t0 < 120_000 && child.exitCode === null) {
      pending = db.prepare('SELECT v.id, (SELECT count(*) FROM dataset_rows r WHERE r.version_id = v.id) AS n FROM dataset_versions v WHERE v.published = 0').get() as typeof pending
      if (pending && pending.n >= 200) break
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(pending?.n, stderr).toBeGreaterThanOrEqual(200)
    child.kill('SIGKILL')
    await exited
    expect(pending!.n).toBeLessThan(3000)

    // Half written, and invisible: the dataset still shows its old version, listed once.
    const seen = await svc.get({ id: d.id })
    expect(seen.versionId).toBe(d.versionId)
    expect(db.prepare('SELECT count(*) AS n FROM dataset_rows WHERE version_id = ?').get(pending!.id)).not.toEqual({ n: 0 })
    expect((await svc.list()).find((x) => x.id === d.id)).toMatchObject({ versionId: d.versionId, versions: 1 })

    // The next start removes the unpublished version and its rows.
    svc.close()
    svc = createDatasetService({ db, home, emit: () => undefined })
    expect(unpublished()).toEqual([])
    expect(db.prepare('SELECT count(*) AS n FROM dataset_rows WHERE version_id = ?').get(pending!.id)).toEqual({ n: 0 })
    expect(await svc.get({ id: d.id })).toMatchObject({ versionId: d.versionId, rowCount: 3000, versions: 1 })
  }, 180_000)
})
