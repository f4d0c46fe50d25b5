// Opens the SQLite database: pragmas, migrations. Repositories take the returned handle.
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { migrations as allMigrations, type Migration } from './migrations'

/** An open database; close it when the app shuts down. */
export type Db = Database.Database

/** Open (creating if needed) the database at `file` and bring its schema up to date. */
export function openDb(file: string, migrations: Migration[] = allMigrations): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  // First, so that every statement below (the journal switch included) waits for another process
  // opening the same home instead of failing with "database is locked".
  db.pragma('busy_timeout = 5000')
  // WAL: readers never block the writer and a killed process leaves the last commit intact.
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  migrate(db, migrations)
  return db
}

/**
 * Apply every migration not yet recorded, each in its own BEGIN IMMEDIATE transaction that
 * re-reads the applied list after taking the write lock: two processes opening a fresh home at
 * once apply each migration exactly once (the second waits, then sees it done). Idempotent.
 */
export function migrate(db: Db, migrations: Migration[]): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`)
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE id = ?').pluck()
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)')
  const done: string[] = []
  for (const m of migrations) {
    if (isApplied.get(m.id)) continue
    const applied = db
      .transaction(() => {
        if (isApplied.get(m.id)) return false
        db.exec(m.sql)
        record.run(m.id, new Date().toISOString())
        return true
      })
      .immediate()
    if (applied) done.push(m.id)
  }
  return done
}

/**
 * Give the WAL's space back after a failed write: a TRUNCATE checkpoint copies committed frames
 * into the database and shrinks the WAL to nothing, so a later small write (the clean-up itself,
 * the next command) finds room. Best effort: on a disk that is still full it may not finish.
 */
export function reclaimWal(db: Db): boolean {
  try {
    const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
    return r?.busy === 0
  } catch {
    return false
  }
}
