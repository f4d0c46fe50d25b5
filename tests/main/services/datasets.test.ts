import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import JSZip from 'jszip'
import { mkdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDatasetService, type DatasetService } from '../../../src/main/services/datasets'
import { openDb, type Db } from '../../../src/main/store/db'
import { UserError } from '../../../src/shared/api'
import type { DatasetEvent } from '../../../src/shared/domain'
import { csvRows, dbFingerprint, put, tmpDir } from '../data/fixtures'

let home: string
let dir: string
let db: Db
let events: DatasetEvent[]
let svc: DatasetService

beforeEach(() => {
  home = tmpDir('wb-home-')
  dir = tmpDir()
  db = openDb(join(home, 'workbench.db'))
  events = []
  svc = createDatasetService({ db, home, emit: (e) => events.push(e), batchSize: 7 })
})

afterEach(() => {
  svc.close()
  db.close()
  rmSync(home, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
})

const importPath = (path: string, options?: Parameters<DatasetService['importFile']>[2], name?: string) =>
  svc.importFile({ kind: 'path', path }, name, options)

/** Expect a UserError whose message matches every pattern, and the database untouched. */
async function rejects(run: () => Promise<unknown>, ...patterns: RegExp[]): Promise<string> {
  const before = dbFingerprint(db)
  let caught: unknown
  try {
    await run()
  } catch (err) {
    caught = err
  }
  expect(caught, 'expected the import to fail').toBeInstanceOf(UserError)
  const message = (caught as Error).message
  for (const p of patterns) expect(message).toMatch(p)
  expect(dbFingerprint(db)).toBe(before)
  return message
}

async function waitFor<T extends DatasetEvent['type']>(jobId: string, type: T, timeoutMs = 20_000): Promise<Extract<DatasetEvent, { type: T }>> {
  const start = Date.now()
  for (;;) {
    const e = events.find((x) => x.jobId === jobId && (x.type === type || x.type === 'error' || x.type === 'done'))
    if (e) {
      if (e.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(e)}`)
      return e as Extract<DatasetEvent, { type: T }>
    }
    if (Date.now() - start > timeoutMs) throw new Error(`no ${type} event`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('import: formats', () => {
  it('reads CSV with a BOM, CRLF line ends, quoted commas, quotes and line breaks', async () => {
    const csv = '\ufefftext,label\r\n"Hello, world",greet\r\n"She said ""hi""\r\nthen left",story\r\nplain text,greet\r\n'
    const d = await importPath(put(dir, 'talk.csv', csv))
    expect(d.name).toBe('talk')
    expect(d.rowCount).toBe(3)
    expect(d.source).toMatchObject({ format: 'csv', encoding: 'utf-8', textColumns: ['text'], labelColumn: 'label' })
    const { rows, total } = await svc.preview({ id: d.id, offset: 0, limit: 10 })
    expect(total).toBe(3)
    expect(rows.map((r) => r.text)).toEqual(['Hello, world', 'She said "hi"\r\nthen left', 'plain text'])
    expect(rows.map((r) => r.label)).toEqual(['greet', 'story', 'greet'])
  })

  it('sniffs a semicolon delimiter and a file without a header, guessing columns by content', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `${i % 3 === 0 ? 'sports' : 'politics'};a much longer sentence about topic number ${i} that goes on`)
    const path = put(dir, 'noheader.txt', lines.join('\n'))
    const info = await svc.inspect({ source: { kind: 'path', path } })
    expect(info.columns).toEqual(['column1', 'column2'])
    expect(info.details).toMatchObject({ delimiter: 'semicolon', header: false })
    expect(info.guess).toEqual({ textColumns: ['column2'], labelColumn: 'column1', splitColumn: null })
    const d = await importPath(path)
    expect(d.rowCount).toBe(30)
    expect(d.labels).toEqual(['politics', 'sports'])
  })

  it('reads TSV, JSON arrays and JSON Lines to the same rows', async () => {
    const tsv = await importPath(put(dir, 'a.tsv', 'sentence\tlabel\none, two\tx\nthree\ty\n'))
    const json = await importPath(put(dir, 'b.json', JSON.stringify([{ sentence: 'one, two', label: 'x' }, { sentence: 'three', label: 'y', extra: { n: 1 } }], null, 2)))
    const jsonl = await importPath(put(dir, 'c.jsonl', '{"sentence":"one, two","label":"x"}\n\n{"sentence":"three","label":"y"}\n'))
    for (const d of [tsv, json, jsonl]) {
      const { rows } = await svc.preview({ id: d.id, offset: 0, limit: 10 })
      expect(rows.map((r) => [r.text, r.label])).toEqual([['one, two', 'x'], ['three', 'y']])
    }
    // Same rows, same split: the second and third imports are recognised as the first.
    expect([json.alreadyImported, jsonl.alreadyImported]).toEqual([true, true])
    expect([json.id, jsonl.id]).toEqual([tsv.id, tsv.id])
    const formats = []
    for (const f of ['a.tsv', 'b.json', 'c.jsonl']) formats.push((await svc.inspect({ source: { kind: 'path', path: join(dir, f) } })).format)
    expect(formats).toEqual(['tsv', 'json', 'jsonl'])
  })

  it('reads the first sheet of an .xlsx, or the one chosen, with rich text and formulas', async () => {
    const wb = new ExcelJS.Workbook()
    const a = wb.addWorksheet('Reviews')
    a.addRow(['review', 'stars'])
    a.addRow([{ richText: [{ text: 'Bold ' }, { text: 'move' }] }, 5])
    a.addRow(['meh', { formula: '1+1', result: 2 }])
    const b = wb.addWorksheet('Other')
    b.addRow(['text', 'label'])
    b.addRow(['from the second sheet', 'z'])
    b.addRow(['another', 'w'])
    const path = join(dir, 'book.xlsx')
    await wb.xlsx.writeFile(path)
    const info = await svc.inspect({ source: { kind: 'path', path } })
    expect(info.sheets).toEqual(['Reviews', 'Other'])
    expect(info.guess).toMatchObject({ textColumns: ['review'], labelColumn: 'stars' })
    const first = await importPath(path)
    const rows = (await svc.preview({ id: first.id, offset: 0, limit: 5 })).rows
    expect(rows.map((r) => [r.text, r.label])).toEqual([['Bold move', '5'], ['meh', '2']])
    const second = await importPath(path, { sheet: 'Other' })
    expect(second.labels).toEqual(['w', 'z'])
    await rejects(() => importPath(path, { sheet: 'Nope' }), /no sheet named "Nope"/, /Reviews, Other/)
  })

  it('reads a folder with one sub-folder per label, and split/label layouts', async () => {
    const root = join(dir, 'reviews')
    for (const [label, texts] of Object.entries({ pos: ['good', 'great'], neg: ['bad', 'awful', 'poor'] })) {
      mkdirSync(join(root, label), { recursive: true })
      texts.forEach((t, i) => put(join(root, label), `${i}.txt`, t))
    }
    put(join(root, 'pos'), 'notes.md', 'ignored: not .txt')
    const d = await importPath(root)
    expect(d.source.format).toBe('folder')
    expect(d.labelCounts).toEqual({ neg: 3, pos: 2 })

    const split = join(dir, 'bysplit')
    for (const s of ['train', 'test']) for (const l of ['a', 'b']) {
      mkdirSync(join(split, s, l), { recursive: true })
      for (let i = 0; i < 4; i++) put(join(split, s, l), `${i}.txt`, `${s} ${l} text ${i}`)
    }
    const ds = await importPath(split)
    const rows = svc.loadSplitRows(ds.versionId)
    expect(rows.test.texts.every((t) => t.startsWith('test '))).toBe(true)
    expect(rows.test.texts).toHaveLength(8)
    // No validation folder: a share of train became validation, all from train texts.
    expect(rows.validation.texts.length).toBeGreaterThan(0)
    expect(rows.validation.texts.every((t) => t.startsWith('train '))).toBe(true)
  })

  it('joins several text columns and honours an existing split column', async () => {
    const lines = ['title,body,label,split']
    for (let i = 0; i < 12; i++) lines.push(`Title ${i},Body ${i},${i % 2 ? 'a' : 'b'},${['train', 'train', 'dev', 'test'][i % 4]}`)
    const path = put(dir, 'posts.csv', lines.join('\n'))
    const info = await svc.inspect({ source: { kind: 'path', path } })
    expect(info.guess).toEqual({ textColumns: ['title', 'body'], labelColumn: 'label', splitColumn: 'split' })
    const d = await importPath(path)
    expect(d.splitCounts).toEqual({ train: 6, validation: 3, test: 3 })
    const { rows } = await svc.preview({ id: d.id, offset: 2, limit: 1 })
    expect(rows[0]).toEqual({ index: 2, text: 'Title 2\nBody 2', label: 'b', split: 'validation' })
  })
})

describe('import: encodings', () => {
  const phrases = {
    zh: '这部电影非常好看，演员的表演也很精彩。我很喜欢这个故事。',
    ja: 'この映画はとても面白かったです。俳優の演技も素晴らしい。',
    fr: 'Très bien, le café était délicieux. Où est la gare? Ça va très bien, merci.',
  }
  const table = (text: string) => `text,label\n${Array.from({ length: 20 }, (_, i) => `"${text} ${i}",l${i % 2}`).join('\n')}\n`

  it.each([
    ['utf-16le', () => Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(table(phrases.zh), 'utf-16le')]), phrases.zh],
    ['utf-16be', () => Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(table(phrases.ja), 'utf-16be')]), phrases.ja],
    ['gb18030', () => iconv.encode(table(phrases.zh), 'gb18030'), phrases.zh],
    ['shift_jis', () => iconv.encode(table(phrases.ja), 'shift_jis'), phrases.ja],
    ['windows-1252', () => iconv.encode(table(phrases.fr), 'windows-1252'), phrases.fr],
  ])('detects and decodes %s', async (encoding, bytes, phrase) => {
    const path = put(dir, `${encoding}.csv`, bytes())
    const info = await svc.inspect({ source: { kind: 'path', path } })
    expect(info.encoding).toBe(encoding)
    expect(info.rows[0].text).toBe(`${phrase} 0`)
    const d = await importPath(path)
    expect(d.source.encoding).toBe(encoding)
    expect((await svc.preview({ id: d.id, offset: 19, limit: 1 })).rows[0].text).toBe(`${phrase} 19`)
  })

  it('lets the user override the detected encoding', async () => {
    const path = put(dir, 'latin.csv', iconv.encode(table(phrases.fr), 'windows-1252'))
    const detected = await svc.inspect({ source: { kind: 'path', path } })
    expect(detected.encodingCandidates).toEqual(expect.arrayContaining(['windows-1252', 'utf-8', 'gb18030', 'shift_jis']))
    // Mac Roman reads byte 0xE9 (é in Windows-1252) as È: the override is really used.
    const info = await svc.inspect({ source: { kind: 'path', path }, options: { encoding: 'macintosh' } })
    expect(info.encoding).toBe('macintosh')
    expect(info.rows[0].text).toBe(`${iconv.decode(iconv.encode(phrases.fr, 'windows-1252'), 'macintosh')} 0`)
    expect(info.rows[0].text).not.toBe(`${phrases.fr} 0`)
    const d = await importPath(path, { encoding: 'macintosh' })
    expect(d.source.encoding).toBe('macintosh')
    await rejects(() => importPath(path, { encoding: 'klingon-8' }), /Unknown text encoding "klingon-8"/)
  })
})

describe('import: bad input changes nothing and says what is wrong', () => {
  it('refuses a binary file renamed .csv', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)])
    await rejects(() => importPath(put(dir, 'photo.csv', png)), /"photo\.csv" is a PNG image/)
    const noise = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256))
    await rejects(() => importPath(put(dir, 'noise.csv', noise)), /does not look like text/, /line \d+/)
  })

  it('refuses an empty file and a blank one', async () => {
    await rejects(() => importPath(put(dir, 'empty.csv', '')), /"empty\.csv" is empty/)
    await rejects(() => importPath(put(dir, 'blank.csv', '\n\n  \n')), /"blank\.csv" has no text/)
    await rejects(() => importPath(put(dir, 'nothing.csv', '\n\n')), /only blank lines/)
  })

  it('refuses a header-only file', async () => {
    await rejects(() => importPath(put(dir, 'head.csv', 'text,label\n')), /header row \(text, label\) but no data rows/)
  })

  it('names the line of a ragged row', async () => {
    await rejects(() => importPath(put(dir, 'ragged.csv', 'text,label\na,b\nc,d\ne\nf,g\n')), /line 4 has 1 fields but the first row has 2/)
  })

  it('names where an unterminated quote starts', async () => {
    await rejects(() => importPath(put(dir, 'quote.csv', 'text,label\nfine,a\n"never closed,b\nmore,c\n')), /quoted field starting at line 3 that is never closed/)
  })

  it('refuses a 50 MB single line without reading it all into a row', async () => {
    const path = join(dir, 'huge.csv')
    put(dir, 'huge.csv', Buffer.alloc(50 * 1024 * 1024, 'a'))
    await rejects(() => importPath(path), /line 1 is longer than 1 million characters/)
    await rejects(() => importPath(path, { format: 'jsonl' }), /Line 1 of "huge\.csv" is longer than 1 million characters/)
  })

  it('names the line of invalid JSON and JSON Lines', async () => {
    const json = '[\n  {"text": "a", "label": "x"},\n  {"text": "b", "label": "y"},\n  {"text": c, "label": "z"}\n]\n'
    await rejects(() => importPath(put(dir, 'bad.json', json)), /not valid JSON at line 4/)
    await rejects(() => importPath(put(dir, 'cut.json', '[{"text": "a", "label": "x"},\n{"text": "b"')), /ends before its JSON is complete/)
    await rejects(() => importPath(put(dir, 'bad.jsonl', '{"text":"a","label":"x"}\n{"text":"b","label":"y"}\n{"text": "c" "label": "z"}\n')), /Line 3 of "bad\.jsonl" is not valid JSON/)
    await rejects(() => importPath(put(dir, 'list.jsonl', '{"text":"a","label":"x"}\n[1,2]\n')), /Line 2 .* is a list, not an object/)
  })

  it('refuses an .xlsx that is a zip of something else', async () => {
    const zip = new JSZip()
    zip.file('notes.txt', 'hello')
    zip.file('data/x.json', '{}')
    const path = put(dir, 'fake.xlsx', await zip.generateAsync({ type: 'nodebuffer' }))
    await rejects(() => importPath(path), /zip archive but not an Excel workbook/)
    await rejects(() => importPath(put(dir, 'text.xlsx', 'a,b\n1,2\n')), /not an Excel \.xlsx workbook/)
  })

  it('refuses a folder with no sub-folders, links, and names with ".."', async () => {
    const flat = join(dir, 'flat')
    mkdirSync(flat)
    put(flat, 'a.txt', 'x')
    await rejects(() => importPath(flat), /has no sub-folders/)

    const linked = join(dir, 'linked')
    mkdirSync(join(linked, 'pos'), { recursive: true })
    put(join(linked, 'pos'), 'a.txt', 'fine')
    symlinkSync('..', join(linked, 'neg'))
    await rejects(() => importPath(linked), /"linked\/neg" is a symbolic link/)

    const fileLink = join(dir, 'filelink')
    mkdirSync(join(fileLink, 'pos'), { recursive: true })
    mkdirSync(join(fileLink, 'neg'), { recursive: true })
    put(join(fileLink, 'pos'), 'a.txt', 'fine')
    symlinkSync(join(dir, '..', '..', 'etc', 'hostname'), join(fileLink, 'neg', 'b.txt'))
    await rejects(() => importPath(fileLink), /neg\/b\.txt" is a symbolic link/)

    await expect(svc.upload({ fileName: '../../escape.csv', data: new Uint8Array([97]) })).rejects.toThrow(/not allowed/)
    await expect(svc.upload({ fileName: 'a/b.csv', data: new Uint8Array([97]) })).rejects.toThrow(/not allowed/)
  })

  it('notices a file that disappears mid-import, and keeps nothing', async () => {
    const path = put(dir, 'going.csv', csvRows(200))
    const before = dbFingerprint(db)
    let removed = false
    await expect(
      svc.importFile({ kind: 'path', path }, undefined, undefined, () => {
        if (!removed) unlinkSync(path)
        removed = true
      }),
    ).rejects.toThrow(/"going\.csv" disappeared while it was being imported/)
    expect(removed).toBe(true)
    expect(dbFingerprint(db)).toBe(before)
  })

  it('notices a file of a folder import that disappears mid-import', async () => {
    const root = join(dir, 'vanishing')
    for (const l of ['a', 'b']) {
      mkdirSync(join(root, l), { recursive: true })
      for (let i = 0; i < 150; i++) put(join(root, l), `${i}.txt`, `text ${l} ${i}`)
    }
    const before = dbFingerprint(db)
    await expect(
      svc.importFile({ kind: 'path', path: root }, undefined, undefined, () => rmSync(join(root, 'b'), { recursive: true, force: true })),
    ).rejects.toThrow(/b\/\d+\.txt" disappeared while it was being imported/)
    expect(dbFingerprint(db)).toBe(before)
  })

  it('reports a full disk and leaves the database as it was', async () => {
    await importPath(put(dir, 'small.csv', csvRows(10)))
    const before = dbFingerprint(db)
    const pages = db.pragma('page_count', { simple: true }) as number
    // Let the database grow by only a few pages: the import's writes fail as on a full disk.
    db.pragma(`max_page_count = ${pages + 4}`)
    await expect(importPath(put(dir, 'big.csv', csvRows(5000)))).rejects.toThrow(/disk is full/)
    db.pragma('max_page_count = 1073741823')
    expect(dbFingerprint(db)).toBe(before)
  })

  it('says which line has a split value it does not know', async () => {
    await rejects(() => importPath(put(dir, 'split.csv', 'text,label,split\na,x,train\nb,y,sometimes\n'), { splitColumn: 'split' }), /line 3: split value "sometimes"/)
  })

  it('names a column that does not exist', async () => {
    await rejects(() => importPath(put(dir, 'cols.csv', csvRows(5)), { textColumns: ['body'] }), /Column "body" not found/, /text, label/)
  })
})

describe('import jobs', () => {
  it('streams progress and finishes with a done event', async () => {
    const path = put(dir, 'job.csv', csvRows(300))
    const { jobId } = await svc.import({ source: { kind: 'path', path }, name: 'Job data' })
    const done = await waitFor(jobId, 'done')
    const d = await svc.get({ id: done.datasetId })
    expect(d).toMatchObject({ name: 'Job data', rowCount: 300, status: 'ready' })
    const progress = events.filter((e) => e.type === 'progress' && e.jobId === jobId)
    expect(progress.length).toBeGreaterThan(0)
    const last = progress[progress.length - 1] as Extract<DatasetEvent, { type: 'progress' }>
    expect(last).toMatchObject({ rows: 300, etaSec: 0 })
    expect(last.bytes).toBe(last.totalBytes)
  })

  it('cancels an import and leaves nothing behind', async () => {
    const path = put(dir, 'long.csv', csvRows(20000))
    const before = dbFingerprint(db)
    const { jobId } = await svc.import({ source: { kind: 'path', path } })
    while (!events.some((e) => e.type === 'progress' && e.jobId === jobId && e.rows > 0)) await new Promise((r) => setTimeout(r, 2))
    await svc.cancelImport({ jobId })
    const err = await waitFor(jobId, 'error')
    expect(err.message).toMatch(/cancelled/)
    expect(dbFingerprint(db)).toBe(before)
    await expect(Promise.resolve().then(() => svc.cancelImport({ jobId }))).rejects.toThrow(/No import/)
  })

  it('imports an upload staged by bytes and removes the staged copy', async () => {
    const { uploadId, size } = await svc.upload({ fileName: 'up.csv', data: new TextEncoder().encode(csvRows(12)) })
    expect(size).toBeGreaterThan(100)
    const info = await svc.inspect({ source: { kind: 'upload', uploadId } })
    expect(info.columns).toEqual(['text', 'label'])
    const d = await svc.importFile({ kind: 'upload', uploadId })
    expect(d).toMatchObject({ name: 'up', rowCount: 12 })
    await expect(svc.inspect({ source: { kind: 'upload', uploadId } })).rejects.toThrow(/not found/)
  })

  it('detects re-importing identical data and returns the existing dataset', async () => {
    const a = await importPath(put(dir, 'one.csv', csvRows(40)))
    const b = await importPath(put(dir, 'copy-of-one.csv', csvRows(40)))
    expect(b.alreadyImported).toBe(true)
    expect(b.id).toBe(a.id)
    expect(a.alreadyImported).toBeUndefined()
    expect((await svc.list()).map((d) => d.id)).toEqual([a.id])
    const c = await importPath(put(dir, 'other.csv', csvRows(41)))
    expect(c.id).not.toBe(a.id)
    expect(c.contentHash).not.toBe(a.contentHash)
  })

  it('removes imports left half-done by a dead process when the service starts', async () => {
    const d = await importPath(put(dir, 'keep.csv', csvRows(10)))
    db.prepare(`INSERT INTO datasets (id, name, created_at, status, import_pid) VALUES ('ds_dead', 'x', '2026-01-01', 'importing', 2147483646)`).run()
    db.prepare(`INSERT INTO datasets (id, name, created_at, status, import_pid) VALUES ('ds_live', 'y', '2026-01-01', 'importing', ?)`).run(process.pid)
    createDatasetService({ db, home, emit: () => {} })
    const ids = (db.prepare('SELECT id FROM datasets ORDER BY id').all() as { id: string }[]).map((r) => r.id)
    expect(ids).toEqual([d.id, 'ds_live'].sort())
  })
})

/** A CSV with one of each problem the doctor looks for. */
function messyCsv(): string {
  const rows: [string, string][] = []
  for (let i = 0; i < 30; i++) rows.push([`good movie number ${i}`, 'pos'])
  for (let i = 0; i < 30; i++) rows.push([`bad film number ${i}`, 'neg'])
  rows.push(['   ', 'pos'], ['', 'neg']) // empty texts
  rows.push(['nobody labelled me', ''], ['nor me', ' ']) // missing labels
  rows.push(['good movie number 1', 'pos']) // exact duplicate
  rows.push(['GOOD movie -- number 2!!', 'pos']) // near-duplicate
  rows.push(['ambiguous text', 'pos'], ['ambiguous text', 'neg']) // conflicting labels
  rows.push(['terrible thing one', 'Neg '], ['terrible thing two', 'Neg ']) // label spelling
  rows.push(['odd one', 'other'], ['odd two', 'other'], ['odd three', 'other']) // too few, imbalance
  rows.push([Array.from({ length: 200 }, (_, i) => `w${i}`).join(' '), 'neg']) // too long
  return 'text,label\n' + rows.map(([t, l]) => `"${t}",${l}`).join('\n') + '\n'
}

describe('doctor and fixes', () => {
  it('reports every problem with counts and examples, and names blocking ones', async () => {
    const d = await importPath(put(dir, 'messy.csv', messyCsv()))
    const report = await svc.doctor({ id: d.id, seqLen: 128 })
    const byId = Object.fromEntries(report.findings.map((f) => [f.id, f]))
    expect(report.ok).toBe(false)
    expect(byId['empty-texts'].count).toBe(2)
    expect(byId['missing-labels'].count).toBe(2)
    expect(byId['missing-labels'].examples.map((e) => e.text)).toEqual(['nobody labelled me', 'nor me'])
    expect(byId['exact-duplicates'].count).toBe(1)
    expect(byId['exact-duplicates'].examples.map((e) => e.text)).toEqual(['good movie number 1', 'good movie number 1'])
    expect(byId['near-duplicates'].count).toBe(1)
    expect(byId['near-duplicates'].examples.map((e) => e.text)).toEqual(['good movie number 2', 'GOOD movie -- number 2!!'])
    expect(byId['conflicting-labels'].count).toBe(2)
    expect(byId['label-variants'].count).toBe(2)
    expect(byId['label-variants'].detail).toContain('"neg" (')
    // "other" (3) and the odd spelling "Neg " (2) are each too small on their own.
    expect(byId['too-few-examples']).toMatchObject({ severity: 'blocking', count: 5 })
    expect(byId['imbalance'].fixes.map((f) => f.id)).toEqual(['oversample'])
    expect(byId['too-long'].count).toBe(1)
    expect(report.findings[0].severity).toBe('blocking')
    for (const f of report.findings) expect(f.detail.length).toBeGreaterThan(20)
  })

  it('applies fixes as a new version that keeps the old one, after which the doctor is satisfied', async () => {
    const d = await importPath(put(dir, 'messy.csv', messyCsv()))
    const fixes = ['normalize-labels', 'drop-empty', 'drop-unlabeled', 'drop-conflicts', 'dedupe-exact', 'dedupe-near', 'drop-rare-classes']
    const fixed = await svc.fix({ id: d.id, fixes })
    expect(fixed.versions).toBe(2)
    expect(fixed.versionId).not.toBe(d.versionId)
    expect(fixed.rowCount).toBe(d.rowCount - 2 - 2 - 2 - 1 - 1 - 3)
    expect(fixed.labelCounts).toEqual({ neg: 30 + 2 + 1, pos: 30 })
    const parent = db.prepare('SELECT parent_version_id AS p FROM dataset_versions WHERE id = ?').get(fixed.versionId) as { p: string }
    expect(parent.p).toBe(d.versionId)
    // The old version is untouched: runs that used it still see their rows.
    expect(svc.loadSplitRows(d.versionId).labels).toEqual(['Neg ', 'neg', 'other', 'pos'])
    const after = await svc.doctor({ id: d.id })
    expect(after.ok).toBe(true)
    expect(after.findings.map((f) => f.id)).toEqual(['too-long'])
    await expect(Promise.resolve().then(() => svc.fix({ id: d.id, fixes: ['drop-empty'] }))).rejects.toThrow(/Nothing to change/)
    await expect(Promise.resolve().then(() => svc.fix({ id: d.id, fixes: ['make-it-good'] }))).rejects.toThrow(/Unknown fix "make-it-good"/)
  })

  it('keeps the majority label for conflicting texts', async () => {
    const rows = ['text,label', 'same words,a', 'same words,a', 'same words,b', ...Array.from({ length: 10 }, (_, i) => `filler ${i},${i % 2 ? 'a' : 'b'}`)]
    const d = await importPath(put(dir, 'conf.csv', rows.join('\n')))
    const fixed = await svc.fix({ id: d.id, fixes: ['conflicts-majority'] })
    expect(fixed.rowCount).toBe(13)
    const texts = (await svc.preview({ id: d.id, offset: 0, limit: 3 })).rows.map((r) => r.label)
    expect(texts).toEqual(['a', 'a', 'a'])
  })

  it('finds train/test leakage from a split column and removes it from validation/test', async () => {
    const lines = ['text,label,split']
    for (let i = 0; i < 20; i++) lines.push(`text ${i},${i % 2 ? 'x' : 'y'},train`)
    lines.push('text 3,x,test', 'Text 5!,x,validation', 'fresh one,y,validation', 'fresh two,x,test')
    const d = await importPath(put(dir, 'leak.csv', lines.join('\n')))
    const report = await svc.doctor({ id: d.id })
    const leak = report.findings.find((f) => f.id === 'split-leakage')!
    expect(leak.count).toBe(2)
    expect(leak.detail).toMatch(/split column/)
    expect(leak.examples.map((e) => e.text)).toEqual(['text 3', 'Text 5!'])
    const fixed = await svc.fix({ id: d.id, fixes: ['drop-leaked'] })
    expect(fixed.splitCounts).toEqual({ train: 20, validation: 1, test: 1 })
  })

  it('blocks a single-class dataset and says why', async () => {
    const d = await importPath(put(dir, 'one.csv', 'text,label\n' + Array.from({ length: 30 }, (_, i) => `t ${i},spam`).join('\n')))
    const report = await svc.doctor({ id: d.id })
    expect(report.ok).toBe(false)
    const single = report.findings.find((f) => f.id === 'single-class')!
    expect(single.severity).toBe('blocking')
    expect(single.detail).toMatch(/at least two different labels/)
  })

  it('oversamples the smaller classes when a version is loaded for training', async () => {
    const lines = ['text,label', ...Array.from({ length: 200 }, (_, i) => `common ${i},big`), ...Array.from({ length: 15 }, (_, i) => `rare ${i},small`)]
    const d = await importPath(put(dir, 'imb.csv', lines.join('\n')))
    expect((await svc.doctor({ id: d.id })).findings.find((f) => f.id === 'imbalance')?.severity).toBe('warning')
    const before = svc.loadSplitRows(d.versionId)
    const count = (ys: number[], y: number) => ys.filter((v) => v === y).length
    const fixed = await svc.fix({ id: d.id, fixes: ['oversample'] })
    const after = svc.loadSplitRows(fixed.versionId)
    const small = after.labels.indexOf('small')
    expect(count(before.train.labels, small)).toBe(11)
    expect(count(after.train.labels, small)).toBe(count(after.train.labels, 1 - small))
    expect(after.validation).toEqual(before.validation)
    expect(after.test).toEqual(before.test)
    const imbalance = (await svc.doctor({ id: d.id })).findings.find((f) => f.id === 'imbalance')!
    expect(imbalance).toMatchObject({ severity: 'info', fixes: [] })
  })
})

describe('splits, stats, training rows', () => {
  const threeClasses = () => ['text,label', ...Array.from({ length: 60 }, (_, i) => `alpha ${i},a`), ...Array.from({ length: 30 }, (_, i) => `beta ${i},b`), 'tiny 1,c', 'tiny 2,c', 'tiny 3,c'].join('\n')

  it('stores a stratified 80/10/10 split at import, with small classes in every split', async () => {
    const d = await importPath(put(dir, 'three.csv', threeClasses()))
    expect(d.splitCounts).toEqual({ train: 48 + 24 + 1, validation: 6 + 3 + 1, test: 6 + 3 + 1 })
    const rows = svc.loadSplitRows(d.versionId)
    expect(rows.labels).toEqual(['a', 'b', 'c'])
    for (const part of [rows.train, rows.validation, rows.test]) expect(part.labels).toContain(2)
    const val = (await svc.preview({ id: d.id, offset: 0, limit: 500, split: 'validation' })).rows
    expect(val.map((r) => r.index)).toEqual(rows.validation.indices)
    expect(val.map((r) => r.text)).toEqual(rows.validation.texts)
  })

  it('re-splits with ratios and a seed as a new version; the same seed gives the same split', async () => {
    const d = await importPath(put(dir, 'three.csv', threeClasses()))
    const ratios = { train: 0.6, validation: 0.2, test: 0.2, seed: 7 }
    const a = await svc.split({ id: d.id, ratios })
    expect(a.versions).toBe(2)
    expect(a.splitCounts).toEqual({ train: 36 + 18 + 1, validation: 12 + 6 + 1, test: 12 + 6 + 1 })
    expect(a.contentHash).not.toBe(d.contentHash)
    const b = await svc.split({ id: d.id, ratios })
    expect(b.contentHash).toBe(a.contentHash)
    expect(svc.loadSplitRows(b.versionId)).toEqual(svc.loadSplitRows(a.versionId))
    const c = await svc.split({ id: d.id, ratios: { ...ratios, seed: 8 } })
    expect(svc.loadSplitRows(c.versionId).validation.indices).not.toEqual(svc.loadSplitRows(a.versionId).validation.indices)
    await expect(Promise.resolve().then(() => svc.split({ id: d.id, ratios: { train: 0.8, validation: 0.3, test: 0.1, seed: 1 } }))).rejects.toThrow(/add up to 120%/)
  })

  it('gives label counts and a token-length histogram (CJK characters count as words)', async () => {
    const lines = ['text,label', 'one two three,a', 'one two three four five six,b', '我喜欢这部电影,a', 'short,b']
    const d = await importPath(put(dir, 'len.csv', lines.join('\n')))
    const stats = await svc.stats({ id: d.id, seqLen: 4 })
    expect(stats.labelCounts).toEqual({ a: 2, b: 2 })
    expect(stats.overSeqLen).toBe(2)
    expect(stats.lengthHistogram.reduce((s, b) => s + b.count, 0)).toBe(4)
    const binOf = (n: number) => stats.lengthHistogram.find((b) => n >= b.binStart && n < b.binEnd)!
    expect(binOf(7).count).toBeGreaterThanOrEqual(1)
    expect(binOf(1).count).toBeGreaterThanOrEqual(1)
    expect(stats.lengthHistogram.some((b) => b.binStart === 4 || b.binEnd === 4)).toBe(true)
  })

  it('resolves a dataset to its current version and refuses unknown ids', async () => {
    const d = await importPath(put(dir, 'r.csv', csvRows(20)))
    expect(svc.resolveVersion(d.id)).toEqual({ datasetId: d.id, versionId: d.versionId, kind: 'text' })
    expect(() => svc.resolveVersion('ds_nope')).toThrow(/not found/)
    expect(() => svc.loadSplitRows('dsv_nope')).toThrow(/not found/)
  })
})

describe('rename and delete', () => {
  const addRun = (datasetId: string, versionId: string) =>
    db
      .prepare(`INSERT INTO runs (id, name, status, created_at, dataset_id, dataset_version_id, config_json, run_dir) VALUES (?, 'r', 'completed', '2026-01-01', ?, ?, '{}', 'x')`)
      .run(`run_${Math.random().toString(36).slice(2)}`, datasetId, versionId)

  it('renames', async () => {
    const d = await importPath(put(dir, 'n.csv', csvRows(10)))
    expect((await svc.rename({ id: d.id, name: 'Better name' })).name).toBe('Better name')
    expect((await svc.list())[0].name).toBe('Better name')
  })

  it('deletes an unused dataset with all its rows', async () => {
    const d = await importPath(put(dir, 'gone.csv', csvRows(10)))
    expect(await svc.delete({ id: d.id })).toEqual({ deleted: true, runsUsing: 0 })
    expect(await svc.list()).toEqual([])
    expect(db.prepare('SELECT count(*) AS n FROM dataset_rows').get()).toEqual({ n: 0 })
  })

  it('asks before deleting a dataset used by runs, then only hides it so run history stays whole', async () => {
    const d = await importPath(put(dir, 'used.csv', csvRows(20)))
    addRun(d.id, d.versionId)
    expect((await svc.get({ id: d.id })).runCount).toBe(1)
    expect(await svc.delete({ id: d.id })).toEqual({ deleted: false, runsUsing: 1 })
    expect((await svc.list()).map((x) => x.id)).toEqual([d.id])
    expect(await svc.delete({ id: d.id, force: true })).toEqual({ deleted: true, runsUsing: 1 })
    expect(await svc.list()).toEqual([])
    expect(() => svc.resolveVersion(d.id)).toThrow(/not found/)
    // The run's version and rows are still there.
    expect(svc.loadSplitRows(d.versionId).train.texts.length).toBeGreaterThan(0)
    // Importing the same data again makes a new dataset rather than reviving the hidden one.
    const again = await importPath(put(dir, 'used-again.csv', csvRows(20)))
    expect(again.id).not.toBe(d.id)
    expect(again.alreadyImported).toBeUndefined()
  })
})
