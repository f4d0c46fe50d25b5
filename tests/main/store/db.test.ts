import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { tempDir } from '../../helpers/temp-dirs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { migrate, openDb } from '../../../src/main/store/db'
import { migrations } from '../../../src/main/store/migrations'

const tmp = () => tempDir('wb-db-')

describe('openDb', () => {
  it('applies every migration on an empty database and records it', () => {
    const db = openDb(join(tmp(), 'a.db'))
    const applied = (db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: string }[]).map((r) => r.id)
    expect(applied).toEqual(migrations.map((m) => m.id).sort())
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((r) => r.name)
    expect(tables).toEqual(expect.arrayContaining(['datasets', 'dataset_versions', 'dataset_rows', 'runs', 'run_metrics']))
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    db.close()
  })

  it('is idempotent: reopening applies nothing and keeps data', () => {
    const file = join(tmp(), 'b.db')
    const db = openDb(file)
    db.prepare("INSERT INTO datasets (id, name, created_at) VALUES ('d1', 'x', '2026-01-01')").run()
    expect(migrate(db, migrations)).toEqual([])
    db.close()
    const again = openDb(file)
    expect(migrate(again, migrations)).toEqual([])
    expect(again.prepare('SELECT count(*) AS n FROM datasets').get()).toEqual({ n: 1 })
    again.close()
  })

  it('rolls back a migration that fails, leaving the schema as it was', () => {
    const db = openDb(join(tmp(), 'c.db'))
    const bad = [...migrations, { id: '999_broken', sql: 'CREATE TABLE half (x INTEGER); CREATE TABLE broken (' }]
    expect(() => migrate(db, bad)).toThrow()
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map((r) => r.name)
    expect(tables).not.toContain('half')
    expect(db.prepare("SELECT count(*) AS n FROM schema_migrations WHERE id = '999_broken'").get()).toEqual({ n: 0 })
    db.close()
  })

  it('enforces foreign keys', () => {
    const db = openDb(join(tmp(), 'd.db'))
    expect(() =>
      db.prepare("INSERT INTO dataset_versions (id, dataset_id, created_at, content_hash, row_count, source_json) VALUES ('v', 'missing', 'x', 'h', 0, '{}')").run(),
    ).toThrow(/FOREIGN KEY/)
    db.close()
  })

  it('survives a process killed mid-write: no corruption, every reported commit intact', async () => {
    const dir = tmp()
    const file = join(dir, 'k.db')
    openDb(file).close()
    // A writer that commits 200-row transactions in a loop and reports each commit.
    const script = join(dir, 'writer.ts')
    writeFileSync(
      script,
      `import { openDb } from ${JSON.stringify(join(process.cwd(), 'src/main/store/db.ts'))}
const db = openDb(${JSON.stringify(file)})
db.prepare("INSERT INTO datasets (id, name, created_at) VALUES ('d', 'x', 'now')").run()
db.prepare("INSERT INTO dataset_versions (id, dataset_id, created_at, content_hash, row_count, source_json) VALUES ('v', 'd', 'now', 'h', 0, '{}')").run()
const ins = db.prepare('INSERT INTO dataset_rows (version_id, idx, text, label) VALUES (?, ?, ?, ?)')
let idx = 0
const batch = db.transaction(() => { for (let i = 0; i < 200; i++) { ins.run('v', idx, 'text ' + 'x'.repeat(200) + idx, 'l' + (idx % 3)); idx++ } })
for (;;) { batch(); process.stdout.write('committed ' + idx + '\\n') }
`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let lastCommitted = 0
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const m = [...chunk.toString().matchAll(/committed (\d+)/g)].pop()
        if (m) lastCommitted = Number(m[1])
        if (lastCommitted >= 20_000 && !child.killed) {
          child.kill('SIGKILL')
          resolve()
        }
      })
    })
    await new Promise((r) => child.once('exit', r))
    const db = openDb(file)
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    const { n } = db.prepare('SELECT count(*) AS n FROM dataset_rows').get() as { n: number }
    expect(n).toBeGreaterThanOrEqual(lastCommitted)
    expect(n % 200).toBe(0) // whole transactions only
    db.close()
  })
})
