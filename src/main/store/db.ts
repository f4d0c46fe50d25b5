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
  // WAL: readers never block the writer and a killed process leaves the last commit intact.
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db, migrations)
  return db
}

/** Apply every migration not yet recorded, each in its own transaction. Idempotent. */
export function migrate(db: Db, migrations: Migration[]): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`)
  const applied = new Set(
    (db.prepare('SELECT id FROM schema_migrations').all() as { id: string }[]).map((r) => r.id),
  )
  const done: string[] = []
  for (const m of migrations) {
    if (applied.has(m.id)) continue
    db.transaction(() => {
      db.exec(m.sql)
      db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)').run(m.id, new Date().toISOString())
    })()
    done.push(m.id)
  }
  return done
}
