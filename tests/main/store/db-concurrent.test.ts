// Two real processes opening the same fresh home: each migration is applied exactly once.
import Database from 'better-sqlite3'
import { spawn } from 'node:child_process'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrations } from '../../../src/main/store/migrations'
import { openDb } from '../../../src/main/store/db'
import { toCallError } from '../../../src/main/services/dispatch'
import { tempDir } from '../../helpers/temp-dirs'

const child = resolve(__dirname, '../../helpers/open-db-child.ts')

/** Start a process that opens `file`; resolves when it says it is opening, and again when it ends. */
function opener(file: string): { opening: Promise<void>; done: Promise<{ code: number | null; out: string }> } {
  const p = spawn(process.execPath, ['--import', 'tsx', child, file], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let said: () => void
  const opening = new Promise<void>((r) => (said = r))
  p.stdout.on('data', (d) => {
    out += d
    if (out.includes('opening')) said()
  })
  p.stderr.on('data', (d) => (out += d))
  const done = new Promise<{ code: number | null; out: string }>((r) => p.on('close', (code) => r({ code, out })))
  return { opening, done }
}

describe('migrations across processes', () => {
  it('a process that read the applied list before another applied the migrations skips them instead of failing', async () => {
    const file = join(tempDir('wb-mig-'), 'workbench.db')
    // This process plays the first opener: it has created the bookkeeping table and holds the
    // write lock while the child starts, then applies every migration and commits.
    const first = new Database(file)
    first.pragma('journal_mode = WAL')
    first.exec('CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)')
    first.exec('BEGIN IMMEDIATE')
    const second = opener(file)
    await second.opening
    await new Promise((r) => setTimeout(r, 700)) // the child reads the (empty) list and waits for the lock
    for (const m of migrations) {
      first.exec(m.sql)
      first.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(m.id, new Date().toISOString())
    }
    first.exec('COMMIT')
    const result = await second.done
    first.close()
    expect(result.out).toContain('ok')
    expect(result.code).toBe(0)
    const db = new Database(file, { readonly: true })
    expect(db.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: migrations.length })
    db.close()
  })

  it('three processes opening a fresh home at the same moment all succeed', async () => {
    const file = join(tempDir('wb-mig-'), 'workbench.db')
    const results = await Promise.all([opener(file), opener(file), opener(file)].map((o) => o.done))
    for (const r of results) expect(r.out.trim().split('\n').pop()).toBe('ok')
  })

  it('a write that waits past the busy timeout for another process answers a plain "try again" (409), not an internal error', () => {
    const file = join(tempDir('wb-mig-'), 'workbench.db')
    const holder = openDb(file)
    const waiter = openDb(file)
    waiter.pragma('busy_timeout = 50')
    holder.exec('BEGIN IMMEDIATE')
    let caught: unknown
    try {
      waiter.prepare("INSERT INTO datasets (id, name, created_at) VALUES ('d1', 'x', '2026-01-01')").run()
    } catch (err) {
      caught = err
    }
    holder.exec('ROLLBACK')
    holder.close()
    waiter.close()
    expect((caught as { code?: string }).code).toBe('SQLITE_BUSY')
    expect(toCallError(caught)).toMatchObject({ status: 409, code: 'conflict' })
    expect(toCallError(caught).message).toMatch(/try again in a moment/)
  })
})
