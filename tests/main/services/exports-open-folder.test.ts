import { mkdirSync } from 'node:fs'
import { tempDir } from '../../helpers/temp-dirs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createExportService } from '../../../src/main/services/exports'
import type { SpawnTrainer } from '../../../src/main/services/trainer-host'
import { openDb } from '../../../src/main/store/db'
import { createExportsRepo } from '../../../src/main/store/exports-repo'

const noTrainer: SpawnTrainer = () => {
  throw new Error('no trainer in this test')
}

function setup() {
  const home = tempDir('wb-open-')
  const db = openDb(join(home, 'workbench.db'))
  db.prepare(`INSERT INTO runs (id, name, status, created_at, config_json, run_dir) VALUES ('r1', 'r', 'completed', 'now', '{}', ?)`).run(join(home, 'runs', 'r1'))
  const verified = join(home, 'runs', 'r1', 'exports', 'a')
  const failed = join(home, 'runs', 'r1', 'exports', 'b')
  mkdirSync(verified, { recursive: true })
  mkdirSync(failed, { recursive: true })
  const repo = createExportsRepo(db)
  repo.insert({ id: 'e1', runId: 'r1', createdAt: 'now', outDir: verified, formats: ['tfjs'], ok: true, verification: {} })
  repo.insert({ id: 'e2', runId: 'r1', createdAt: 'now', outDir: failed, formats: ['tfjs'], ok: false, verification: {} })
  const opened: string[] = []
  let canOpen = true
  const service = createExportService({
    db,
    home,
    spawn: noTrainer,
    runs: { get: () => { throw new Error('unused') } },
    datasets: null,
    openPath: async (p) => {
      opened.push(p)
      return canOpen
    },
  })
  return { home, service, opened, verified, failed, setCanOpen: (v: boolean) => (canOpen = v) }
}

describe('exports.openFolder', () => {
  it('opens a folder the app wrote a verified export to', async () => {
    const s = setup()
    expect(await s.service.openFolder({ path: s.verified })).toEqual({ opened: true, path: s.verified })
    expect(s.opened).toEqual([s.verified])
  })

  it('says so in plain words when the system has no file manager', async () => {
    const s = setup()
    s.setCanOpen(false)
    const r = await s.service.openFolder({ path: s.verified })
    expect(r.opened).toBe(false)
    expect(r.message).toMatch(/file manager/)
  })

  it('refuses any other folder, including a failed export and paths outside the home', async () => {
    const s = setup()
    for (const path of [s.failed, s.home, '/etc', join(s.verified, '..', '..')]) {
      await expect(s.service.openFolder({ path })).rejects.toThrow(/not one of this app's verified exports/)
    }
    expect(s.opened).toEqual([])
  })
})
