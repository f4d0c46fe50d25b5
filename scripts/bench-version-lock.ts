// How long another process waits for SQLite's write lock while a large dataset is re-split.
// Imports N generated rows into a fresh store, then re-splits it twice: once written as one
// transaction (how re-splits were written before), once in the batches the app now uses. During
// each, a second connection on its own thread (as another process would be, busy timeout 5 s)
// renames the dataset every 20 ms; the script prints its longest wait, how many writes failed
// with "busy", and the re-split's time. Cleans up after.
//   npx tsx scripts/bench-version-lock.ts [--rows 1000000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { createDatasetService } from '../src/main/services/datasets'
import type { VersionWriteOptions } from '../src/main/services/derived-version'
import { openDb } from '../src/main/store/db'

const args = process.argv.slice(2)
const rows = args.includes('--rows') ? Number(args[args.indexOf('--rows') + 1]) : 1_000_000

const writerCode = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.mod)
const db = new Database(workerData.path)
db.pragma('busy_timeout = 5000')
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
const stop = new Int32Array(workerData.stop)
let maxWait = 0, busy = 0, writes = 0, n = 0
parentPort.postMessage({ ready: true })
while (Atomics.load(stop, 0) === 0) {
  const t = performance.now()
  try {
    db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run('name ' + n++, workerData.id)
    writes++
  } catch (err) {
    if (String(err).includes('busy') || String(err).includes('locked')) busy++
    else throw err
  }
  maxWait = Math.max(maxWait, performance.now() - t)
  sleep(20)
}
db.close()
parentPort.postMessage({ maxWait, busy, writes })
`

const dir = mkdtempSync(join(tmpdir(), 'wb-bench-lock-'))
try {
  const lines = ['text,label']
  for (let i = 0; i < rows; i++) lines.push(`review ${i} with some words about the film number ${i % 977},${['pos', 'neg', 'mixed'][i % 3]}`)
  const csv = join(dir, 'rows.csv')
  writeFileSync(csv, lines.join('\n'))
  const home = join(dir, 'home')
  const db = openDb(join(home, 'workbench.db'))
  const svc0 = createDatasetService({ db, home, emit: () => undefined })
  const t0 = performance.now()
  const d = await svc0.importFile({ kind: 'path', path: csv }, 'bench', { textColumns: ['text'], labelColumn: 'label' })
  svc0.close()
  console.log(`imported ${d.rowCount.toLocaleString('en-US')} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

  const modes: [string, VersionWriteOptions][] = [
    ['one transaction (before)', { chunkRows: Number.MAX_SAFE_INTEGER, pauseMs: 0 }],
    ['batches of 10,000 rows (now)', {}],
  ]
  for (const [label, versionWrite] of modes) {
    const svc = createDatasetService({ db, home, emit: () => undefined, versionWrite })
    const stop = new SharedArrayBuffer(4)
    const worker = new Worker(writerCode, { eval: true, workerData: { path: join(home, 'workbench.db'), mod: createRequire(import.meta.url).resolve('better-sqlite3'), id: d.id, stop } })
    const done = new Promise<{ maxWait: number; busy: number; writes: number }>((resolve, reject) => {
      worker.on('message', (m: { ready?: boolean; maxWait?: number }) => m.maxWait !== undefined && resolve(m as never))
      worker.on('error', reject)
    })
    await new Promise<void>((r) => worker.once('message', () => r()))
    const t = performance.now()
    await svc.split({ id: d.id, ratios: { train: 0.7, validation: 0.15, test: 0.15, seed: Math.floor(Math.random() * 1000) } })
    const seconds = (performance.now() - t) / 1000
    Atomics.store(new Int32Array(stop), 0, 1)
    const w = await done
    svc.close()
    console.log(`${label}: re-split ${seconds.toFixed(1)} s; other writer: ${w.writes} writes, longest wait ${Math.round(w.maxWait)} ms, ${w.busy} refused as busy`)
  }
  db.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
