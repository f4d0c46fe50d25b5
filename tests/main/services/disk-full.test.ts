// A full disk during an import is a user error, and the data folder stays usable afterwards: the
// next start, listing and a small import all work. Runs on a real 3 MB tmpfs where this machine
// lets us mount one (root), else on SQLite's page limit.
import Database from 'better-sqlite3'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createApp } from '../../../src/main/app'
import { createDatasetService } from '../../../src/main/services/datasets'
import { openDb } from '../../../src/main/store/db'
import { toCallError } from '../../../src/main/services/dispatch'

const root = mkdtempSync(join(tmpdir(), 'wb-full-'))
const mounted: string[] = []

/** A 3 MB filesystem, or null where this process may not mount one. */
function tinyFilesystem(): string | null {
  const dir = join(root, 'tiny')
  mkdirSync(dir)
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir], { stdio: 'ignore' })
    mounted.push(dir)
    return dir
  } catch {
    return null
  }
}

afterAll(() => {
  for (const dir of mounted) execFileSync('umount', ['-l', dir])
})

/** About 5 MB of CSV: more than the tiny filesystem holds. */
function bigCsv(): string {
  const path = join(root, 'big.csv')
  const lines = ['text,label']
  for (let i = 0; i < 60_000; i++) lines.push(`row ${i} alpha${i * 7} beta${i * 13} gamma${i * 31} delta${i * 17},${i % 2 ? 'a' : 'b'}`)
  writeFileSync(path, lines.join('\n'))
  return path
}

function smallCsv(): string {
  const path = join(root, 'small.csv')
  writeFileSync(path, 'text,label\nhello there,a\nbye now,b\ngood day,a\nbad day,b\n')
  return path
}

describe('a full disk', () => {
  it('fails an import with "the disk is full; free N MB" and leaves the data folder usable', async () => {
    const big = bigCsv()
    const small = smallCsv()
    const tiny = tinyFilesystem()
    if (tiny) {
      const home = join(tiny, 'home')
      const app = createApp({ home, mode: 'terminal' })
      const err = await app.services.datasets.importFile({ kind: 'path', path: big }, 'big').catch((e: unknown) => e)
      expect(toCallError(err)).toMatchObject({ status: 400, code: 'bad_input' })
      expect((err as Error).message).toMatch(/^The disk is full: the import could not be written and nothing was saved; free \d+ MB/)
      await app.close()
      // A later start (clean-up of the failed import included) and later commands all work.
      const again = createApp({ home, mode: 'terminal' })
      expect(await again.call('datasets.list', undefined)).toEqual([])
      const ds = await again.services.datasets.importFile({ kind: 'path', path: small }, 'small')
      expect(ds.rowCount).toBe(4)
      await again.close()
    } else {
      // SQLite's own limit on the database size stands in for the disk.
      const home = join(root, 'home')
      const file = join(home, 'workbench.db')
      const db = openDb(file)
      const pages = db.pragma('page_count', { simple: true }) as number
      db.pragma(`max_page_count = ${pages + 200}`)
      const service = createDatasetService({ db, home, emit: () => {} })
      const err = await service.importFile({ kind: 'path', path: big }, 'big').catch((e: unknown) => e)
      expect((err as Error).message).toMatch(/^The disk is full: the import could not be written and nothing was saved; free \d+ MB/)
      service.close()
      db.close()
      const limited = new Database(file)
      limited.pragma(`max_page_count = ${pages + 200}`)
      const restarted = createDatasetService({ db: limited, home, emit: () => {} })
      expect(restarted.list()).toEqual([])
      expect((await restarted.importFile({ kind: 'path', path: small }, 'small')).rowCount).toBe(4)
      restarted.close()
      limited.close()
    }
  })

  it('answers a disk-full error from any layer (database, file system, a trainer\'s message) as a user error', () => {
    for (const err of [
      Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
      Object.assign(new Error('write failed'), { code: 'ENOSPC' }),
      new Error('The trainer failed: ENOSPC: no space left on device, write'),
    ]) {
      const e = toCallError(err)
      expect(e.status).toBe(400)
      expect(e.message).toMatch(/^The disk is full: .*free \d+ MB/)
    }
  })
})
