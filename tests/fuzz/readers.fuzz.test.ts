// Property: whatever bytes a data file holds, importing it ends as a dataset or a plain refusal
// (UserError) with the store exactly as it was: never a crash, an internal error or a leftover.
import fc from 'fast-check'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UserError } from '../../src/shared/api'
import type { ImportFormat } from '../../src/shared/formats'
import { createDatasetService, type DatasetService } from '../../src/main/services/datasets'
import { openDb, type Db } from '../../src/main/store/db'
import { dbFingerprint, tmpDir } from '../main/data/fixtures'
import { xlsxBytes } from '../helpers/hostile-files'
import { fuzzParams, mutated } from './fuzz-runs'

let home: string
let dir: string
let db: Db
let svc: DatasetService
let n = 0

beforeAll(() => {
  home = tmpDir('wb-fuzz-home-')
  dir = tmpDir('wb-fuzz-files-')
  db = openDb(join(home, 'workbench.db'))
  svc = createDatasetService({ db, home, emit: () => {}, batchSize: 3 })
})
afterAll(() => {
  svc.close()
  db.close()
  rmSync(home, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
})

/** Rows, versions and staging imports: a refusal must leave every one of them as it was. */
const fingerprint = () => dbFingerprint(db) + JSON.stringify(db.prepare('SELECT count(*) AS n FROM dataset_rows').get())

/** Inspect then import `path`; assert it ends as a dataset or a UserError with the store unchanged. */
async function importEndsWell(path: string, format?: ImportFormat): Promise<void> {
  const before = fingerprint()
  const options = format ? { format } : undefined
  try {
    await svc.inspect({ source: { kind: 'path', path }, options })
  } catch (err) {
    if (!(err instanceof UserError)) throw err
    expect(err.message.length).toBeGreaterThan(0)
  }
  try {
    const ds = await svc.importFile({ kind: 'path', path }, undefined, options)
    expect(ds.rowCount).toBeGreaterThan(0)
    // Keep the store small and the next case's fingerprint meaningful.
    if (!ds.alreadyImported) await svc.delete({ id: ds.id })
  } catch (err) {
    if (!(err instanceof UserError)) throw err
    expect(err.message).not.toMatch(/Internal error|Maximum call stack|undefined|\[object Object\]/)
    expect(fingerprint()).toBe(before)
  }
}

const write = (ext: string, bytes: Uint8Array | string) => {
  const path = join(dir, `case-${++n}.${ext}`)
  writeFileSync(path, bytes)
  return path
}

const valid: Record<string, Uint8Array> = {
  csv: Buffer.from('text,label\n"good film, really",pos\nbad film,neg\ngreat plot,pos\ndull plot,neg\n'),
  tsv: Buffer.from('text\tlabel\ngood film\tpos\nbad film\tneg\ngreat plot\tpos\ndull plot\tneg\n'),
  json: Buffer.from(JSON.stringify([{ text: 'good film', label: 'pos' }, { text: 'bad film', label: 'neg' }, { text: 'great plot', label: 'pos', extra: { a: [1, 2] } }])),
  jsonl: Buffer.from('{"text": "good film", "label": "pos"}\n{"text": "bad film", "label": "neg"}\n{"text": "great", "label": "pos"}\n'),
  xlsx: xlsxBytes({ rows: [['text', 'label'], ['good film', 'pos'], ['bad film', 'neg'], ['great plot', 'pos']] }),
}

const heapBefore = process.memoryUsage().heapUsed

describe('fuzzing the readers', () => {
  for (const ext of ['csv', 'tsv', 'json', 'jsonl', 'xlsx'] as const) {
    it(`${ext}: arbitrary bytes end as a dataset or a plain refusal`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2048 }), async (bytes) => importEndsWell(write(ext, bytes), ext)),
        fuzzParams(60),
      )
    })

    it(`${ext}: mutations of a valid file end as a dataset or a plain refusal`, async () => {
      await fc.assert(
        fc.asyncProperty(mutated(valid[ext]), async (bytes) => importEndsWell(write(ext, bytes.length ? bytes : new Uint8Array([0x20])), ext)),
        fuzzParams(80),
      )
    })
  }

  it('text formats: arbitrary text (any Unicode) guessed by extension ends well', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('csv', 'tsv', 'json', 'jsonl', 'txt'), fc.string({ unit: 'binary', minLength: 1, maxLength: 500 }), async (ext, text) =>
        importEndsWell(write(ext, text)),
      ),
      fuzzParams(80),
    )
  })

  it('json: arbitrary JSON values (deep, wide, odd keys) end well', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 8 }), async (value) => importEndsWell(write('json', JSON.stringify(value)), 'json')),
      fuzzParams(80),
    )
  })

  it('xlsx: well-formed workbooks with arbitrary cells end well', async () => {
    const cell = fc.string({ unit: 'grapheme', maxLength: 40 })
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }), async (rows) =>
        importEndsWell(write('xlsx', xlsxBytes({ rows })), 'xlsx'),
      ),
      fuzzParams(60),
    )
  })

  it('folder: arbitrary label folders and file contents end well', async () => {
    const name = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }).map((s) => s.replace(/[/\\\0]/g, '_'))
    const file = fc.record({ label: name, name, bytes: fc.uint8Array({ maxLength: 300 }) })
    await fc.assert(
      fc.asyncProperty(fc.array(file, { minLength: 1, maxLength: 6 }), async (files) => {
        const root = join(dir, `folder-${++n}`)
        mkdirSync(root)
        for (const f of files) {
          try {
            mkdirSync(join(root, f.label), { recursive: true })
            writeFileSync(join(root, f.label, `${f.name}.txt`), f.bytes)
          } catch {
            // names the file system refuses ('.', '..'): that file is simply not there
          }
        }
        await importEndsWell(root, 'folder')
      }),
      fuzzParams(60),
    )
  })

  it('stays within a memory bound over the whole run', () => {
    global.gc?.()
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024)
  })
})
