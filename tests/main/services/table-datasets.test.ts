import ExcelJS from 'exceljs'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDatasetService, type DatasetService } from '../../../src/main/services/datasets'
import { openDb, type Db } from '../../../src/main/store/db'
import { UserError } from '../../../src/shared/api'
import { csvRows, dbFingerprint, put, tmpDir } from '../data/fixtures'
import { tableCsv, tinyTable } from '../../helpers/tiny-table'
import { xlsxBytes } from '../../helpers/hostile-files'

let home: string
let dir: string
let db: Db
let svc: DatasetService

beforeEach(() => {
  home = tmpDir('wb-home-')
  dir = tmpDir()
  db = openDb(join(home, 'workbench.db'))
  svc = createDatasetService({ db, home, emit: () => {}, batchSize: 7 })
})

afterEach(() => {
  svc.close()
  db.close()
  rmSync(home, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
})

const importPath = (path: string, options?: Parameters<DatasetService['importFile']>[2]) => svc.importFile({ kind: 'path', path }, undefined, options)

async function refused(run: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  const before = dbFingerprint(db)
  const err = await run().then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(UserError)
  expect((err as Error).message).toMatch(pattern)
  expect(dbFingerprint(db)).toBe(before)
}

describe('table datasets', () => {
  it('imports a CSV of numbers and categories as a table when asked for auto: roles guessed with reasons, raw cells kept per row', async () => {
    const t = tinyTable(60)
    const d = await importPath(put(dir, 'points.csv', tableCsv(t)), { kind: 'auto' })
    expect(d.kind).toBe('table')
    expect(d.rowCount).toBe(60)
    expect(d.labels).toEqual(['hi', 'lo'])
    const roles = Object.fromEntries(d.columns!.map((c) => [c.name, c.kind]))
    expect(roles).toEqual({ id: 'id', width: 'numeric', height: 'numeric', colour: 'categorical', label: 'label' })
    for (const c of d.columns!) expect(c.reason.length).toBeGreaterThan(10)
    const page = await svc.preview({ id: d.id, offset: 0, limit: 3 })
    expect(page.rows[0]!.text).toBe(`width: ${t.rows[0]!.width}, height: ${t.rows[0]!.height}, colour: ${t.rows[0]!.colour}`)
    expect(page.rows[0]!.label).toBe(t.rows[0]!.label)
    const stored = db.prepare('SELECT cells_json FROM dataset_rows WHERE idx = 0').get() as { cells_json: string }
    expect(JSON.parse(stored.cells_json)).toEqual(t.rows[0])
  })

  it('keeps a file of sentences a text dataset under auto, and a plain import stays text with no cells', async () => {
    const auto = await importPath(put(dir, 'reviews.csv', csvRows(40)), { kind: 'auto' })
    expect(auto.kind).toBe('text')
    expect(auto.columns).toBeUndefined()
    const plain = await importPath(put(dir, 'points.csv', tableCsv(tinyTable(30, 5))))
    expect(plain.kind).toBe('text')
    const cells = db.prepare('SELECT count(*) AS n FROM dataset_rows WHERE cells_json IS NOT NULL').get() as { n: number }
    expect(cells.n).toBe(0)
  })

  it('keeps texts with a split column a text dataset under auto, even when the first texts repeat', async () => {
    // The first rows' texts repeat (a categorical-looking column) and the split column has three values:
    // neither makes the file a table; the split column decides where rows go, not what they are.
    const rows = ['text,label,split']
    for (let i = 0; i < 40; i++) rows.push(`the film was ${i % 2 ? 'great' : 'awful'},${i % 2 ? 'pos' : 'neg'},${i % 8 ? 'train' : 'validation'}`)
    for (let i = 0; i < 10; i++) rows.push(`a long review number ${i} that says little,${i % 2 ? 'pos' : 'neg'},test`)
    const file = put(dir, 'reviews-split.csv', rows.join('\n'))
    const inspected = await svc.inspect({ source: { kind: 'path', path: file } })
    expect(inspected.kind.kind).toBe('text')
    const named = await importPath(file, { kind: 'auto', splitColumn: 'split' })
    expect(named.kind).toBe('text')
    const guessed = await importPath(file, { kind: 'auto' })
    expect(guessed.kind).toBe('text')
    expect(guessed.splitCounts.test).toBe(10)
  })

  it('reads a column named "__proto__" or "constructor" like any other, in CSV, JSON and XLSX (found by fuzzing)', async () => {
    const header = ['__proto__', 'constructor', 'label']
    const body = Array.from({ length: 12 }, (_, i) => [`value ${i} of a text`, `c${i % 3}`, i % 2 ? 'a' : 'b'])
    const csv = put(dir, 'proto.csv', [header.join(','), ...body.map((r) => r.join(','))].join('\n'))
    const json = put(dir, 'proto.json', JSON.stringify(body.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]])))))
    const xlsx = join(dir, 'proto.xlsx')
    writeFileSync(xlsx, xlsxBytes({ rows: [header, ...body] }))
    for (const file of [csv, json, xlsx]) {
      const inspected = await svc.inspect({ source: { kind: 'path', path: file } })
      expect(inspected.columns, file).toEqual(header)
      const d = await importPath(file, { textColumns: ['__proto__'], labelColumn: 'label' })
      expect(d.rowCount, file).toBe(12)
      const page = await svc.preview({ id: d.id, offset: 0, limit: 1 })
      expect(page.rows[0]!.text, file).toBe('value 0 of a text')
    }
  })

  it('inspect suggests table or text with the reason, and the roles of each column', async () => {
    const table = await svc.inspect({ source: { kind: 'path', path: put(dir, 'points.csv', tableCsv(tinyTable(30))) } })
    expect(table.kind.kind).toBe('table')
    expect(table.kind.reason).toMatch(/2 numeric/)
    expect(table.tableColumns.find((c) => c.name === 'id')!.kind).toBe('id')
    const text = await svc.inspect({ source: { kind: 'path', path: put(dir, 'reviews.csv', csvRows(30)) } })
    expect(text.kind.kind).toBe('text')
    expect(text.kind.reason).toMatch(/"text"/)
  })

  it('imports an .xlsx as a table with the roles the user chose over the guesses', async () => {
    const t = tinyTable(24, 3)
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('data')
    ws.addRow(t.columns)
    for (const r of t.rows) ws.addRow(t.columns.map((c) => (c === 'width' || c === 'height' ? Number(r[c]) : r[c])))
    const path = join(dir, 'points.xlsx')
    await wb.xlsx.writeFile(path)
    const d = await importPath(path, { kind: 'table', columnRoles: { height: 'id', colour: 'label', label: 'categorical' } })
    const roles = Object.fromEntries(d.columns!.map((c) => [c.name, c.kind]))
    expect(roles).toEqual({ id: 'id', width: 'numeric', height: 'id', colour: 'label', label: 'categorical' })
    expect(d.columns!.find((c) => c.name === 'height')!.reason).toBe('You chose it as id.')
    expect(d.labels).toEqual([...new Set(t.rows.map((r) => r.colour))].sort())
  })

  it('changes column roles as a new version, the labels following a new label column', async () => {
    const t = tinyTable(40)
    const d = await importPath(put(dir, 'points.csv', tableCsv(t)), { kind: 'table' })
    const after = await svc.setColumns({ id: d.id, roles: { colour: 'label', width: 'id' } })
    expect(after.versions).toBe(2)
    expect(after.labels).toEqual(['blue', 'green', 'red'])
    const roles = Object.fromEntries(after.columns!.map((c) => [c.name, c.kind]))
    expect(roles).toEqual({ id: 'id', width: 'id', height: 'numeric', colour: 'label', label: 'id' })
    const row = (await svc.preview({ id: d.id, offset: 0, limit: 1 })).rows[0]!
    expect(row.text).toBe(`height: ${t.rows[0]!.height}`)
    expect(row.label).toBe(t.rows[0]!.colour)
    await expect(svc.setColumns({ id: d.id, roles: { nope: 'numeric' } })).rejects.toThrow(/"nope" not found/)
    await expect(svc.setColumns({ id: d.id, roles: { height: 'id' } })).rejects.toThrow(/no column to learn from/)
    const text = await importPath(put(dir, 'reviews.csv', csvRows(20)))
    await expect(svc.setColumns({ id: text.id, roles: { text: 'numeric' } })).rejects.toThrow(/only a table's columns have roles/)
  })

  it('refuses in a sentence, changing nothing: no feature columns, one class, a label with hundreds of values, no label', async () => {
    const onlyIds = ['id,label', ...Array.from({ length: 20 }, (_, i) => `${i + 1},${i % 2 ? 'a' : 'b'}`)].join('\n')
    await refused(() => importPath(put(dir, 'ids.csv', onlyIds), { kind: 'table' }), /no column to learn from/)
    const oneClass = tableCsv({ columns: ['x', 'label'], rows: Array.from({ length: 20 }, (_, i) => ({ x: String(i * 1.5), label: 'same' })) })
    await refused(() => importPath(put(dir, 'one.csv', oneClass), { kind: 'table' }), /only one value \("same"\): a classifier needs at least two classes/)
    const many = tableCsv({ columns: ['x', 'label'], rows: Array.from({ length: 600 }, (_, i) => ({ x: String(i % 7), label: `v${i}` })) })
    await refused(() => importPath(put(dir, 'many.csv', many), { kind: 'table', labelColumn: 'label' }), /600 different values, more than 200: that looks like a measurement or an identifier/)
    await refused(() => importPath(put(dir, 'two.csv', tableCsv(tinyTable(20))), { kind: 'table', columnRoles: { width: 'label', height: 'label' } }), /Only one column can be the label/)
  })
})

describe('the doctor on a table', () => {
  it('reports missing cells per column, words in a numeric column, a constant column, left-out ids and a tiny class, in plain words', async () => {
    const t = tinyTable(80, 9)
    t.columns.push('site')
    t.rows.forEach((r, i) => {
      r.site = 'north'
      if (i % 10 === 0) r.width = 'NA'
      if (i === 3) r.height = 'twelve'
      if (i < 2) r.label = 'rare'
    })
    const d = await importPath(put(dir, 'messy.csv', tableCsv(t)), { kind: 'table' })
    expect(d.columns!.find((c) => c.name === 'height')!.kind).toBe('numeric')
    const report = await svc.doctor({ id: d.id })
    const byId = new Map(report.findings.map((f) => [f.id, f]))
    const missing = byId.get('table-missing-values')!
    expect(missing.detail).toContain('"width" 8 (10.0%)')
    expect(missing.examples[0]!.index).toBe(0)
    const junk = byId.get('table-not-numbers')!
    expect(junk.detail).toContain('"height" 1 (e.g. "twelve")')
    expect(junk.examples.map((e) => e.index)).toEqual([3])
    expect(byId.get('table-constant-columns')!.detail).toMatch(/^"site" has the same value in every row/)
    expect(byId.get('table-id-columns')!.detail).toMatch(/Left out of training as identifiers or free text: "id"/)
    expect(byId.get('too-few-examples')!.severity).toBe('blocking')
    expect(byId.has('empty-texts') || byId.has('too-long')).toBe(false)
  })
})
