// Excel .xlsx reader: exceljs's streaming workbook reader, first sheet or a chosen one.
import ExcelJS from 'exceljs'
import { createReadStream } from 'node:fs'
import { UserError } from '../../shared/api'
import { magicOf } from './file-kind'
import { assertSoundZip } from './zip-check'
import { headerColumns, looksLikeHeader, numberedColumns, shortList } from './header-sniff'
import { fieldTooLong, maxFields, maxSharedStringChars } from './record-limits'
import { cellText, cellsToRecords, maxRecordChars, peek, readError, type TableReader } from './table-reader'

/** What the xlsx reader needs that the caller already detected. */
export interface XlsxOpen {
  path: string
  shown: string
  sample: Uint8Array
  sheet?: string
  totalBytes: number
}

/** exceljs cell values: plain, rich text, formula results, hyperlinks, errors. */
function excelCell(v: unknown): string {
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string }
    if (o.richText) return o.richText.map((r) => r.text).join('')
    if ('result' in o) return excelCell(o.result)
    if (o.text !== undefined) return excelCell(o.text)
    if (o.error) return ''
  }
  return cellText(v)
}

/** Open an .xlsx workbook and read the chosen sheet's header. */
export async function openXlsx(o: XlsxOpen): Promise<TableReader> {
  if (magicOf(o.sample) !== 'zip') {
    throw new UserError(`"${o.shown}" is not an Excel .xlsx workbook (an .xlsx file is a zip archive, and this one is not).`)
  }
  // The streaming unzip under exceljs waits forever on a cut-short, spliced or corrupt zip, and
  // would unpack a zip bomb to a temporary file: check the whole archive first.
  await assertSoundZip(o.path, o.totalBytes, o.shown)
  const file = createReadStream(o.path, { highWaterMark: 256 * 1024 })
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  })
  capSharedStrings(reader, o.shown)
  const sheetNames: string[] = []
  let chosenName: string | null = null
  const knownSheets = () => ((reader as unknown as { model?: { sheets?: { name: string }[] } }).model?.sheets ?? []).map((s) => s.name)

  async function* raw(): AsyncGenerator<{ line: number; cells: string[] }> {
    try {
      for await (const ws of reader) {
        const name = (ws as unknown as { name?: string }).name ?? `Sheet${sheetNames.length + 1}`
        sheetNames.push(name)
        const wanted = chosenName === null && (o.sheet === undefined || o.sheet === '' || o.sheet === name)
        if (!wanted) {
          for await (const _row of ws) void _row
          continue
        }
        chosenName = name
        for await (const row of ws) {
          const values = (row as unknown as { values: unknown[] }).values
          if (values.length > maxFields + 1) {
            throw new UserError(`Row ${(row as unknown as { number: number }).number} of sheet "${name}" in "${o.shown}" has cells beyond column ${maxFields.toLocaleString('en-US')}; a dataset needs a few columns (text, label).`)
          }
          const cells: string[] = []
          for (let i = 1; i < values.length; i++) cells.push(excelCell(values[i]))
          while (cells.length && cells[cells.length - 1] === '') cells.pop()
          if (cells.length === 0) continue
          const r = (row as unknown as { number: number }).number
          if (cells.some((c) => c.length > maxRecordChars)) {
            throw new UserError(`Row ${r} of sheet "${name}" in "${o.shown}" has a cell longer than ${(maxRecordChars / 1_000_000).toLocaleString('en-US')} million characters.`)
          }
          yield { line: r, cells }
        }
      }
    } catch (err) {
      if (err instanceof UserError) throw err
      const code = (err as NodeJS.ErrnoException)?.code
      // File-system errors (ENOENT, EACCES...) say so; zlib's (Z_DATA_ERROR...) mean a damaged zip.
      if (code && !code.startsWith('Z_')) throw readError(err, o.shown)
      throw new UserError(`"${o.shown}" could not be read as an Excel workbook: ${(err as Error).message}. Open it in Excel and save it again as .xlsx.`)
    }
  }
  const { head, all } = await peek(raw(), 50)
  const listed = knownSheets().length ? knownSheets() : sheetNames
  if (chosenName === null) {
    if (listed.length === 0 && sheetNames.length === 0) {
      throw new UserError(`"${o.shown}" is a zip archive but not an Excel workbook: it has no worksheets. Is it a zip of other files renamed to .xlsx?`)
    }
    if (o.sheet) throw new UserError(`"${o.shown}" has no sheet named "${o.sheet}". Its sheets are: ${listed.join(', ')}.`)
  }
  if (head.length === 0) throw new UserError(`Sheet "${chosenName ?? listed[0]}" of "${o.shown}" is empty.`)
  const width = Math.max(...head.map((r) => r.cells.length))
  const hasHeader = looksLikeHeader(head[0].cells, head.slice(1).map((r) => r.cells))
  const columns = hasHeader ? headerColumns(Array.from({ length: width }, (_, i) => head[0].cells[i] ?? '')) : numberedColumns(width)
  if (hasHeader && head.length === 1) {
    throw new UserError(`Sheet "${chosenName}" of "${o.shown}" has a header row (${shortList(columns)}) but no data rows under it.`)
  }
  return {
    format: 'xlsx',
    encoding: 'utf-8',
    encodingCandidates: ['utf-8'],
    sheets: listed,
    details: { sheet: chosenName ?? '', header: hasHeader },
    columns,
    totalBytes: o.totalBytes,
    bytesRead: () => file.bytesRead,
    records: cellsToRecords(all, columns, hasHeader),
    close: () => file.destroy(),
  }
}

/**
 * exceljs keeps every shared string of the workbook in one array ('cache' mode). A small .xlsx can
 * hold hundreds of MB of them, so the array it creates is swapped for one that counts characters as
 * strings are added and refuses the workbook past maxSharedStringChars (or one string past the
 * field limit).
 */
function capSharedStrings(reader: object, shown: string): void {
  let store: unknown[] | undefined
  let chars = 0
  const tooMany = () =>
    new UserError(`"${shown}" holds more than ${(maxSharedStringChars / 1_000_000).toLocaleString('en-US')} million characters of text in its cells, more than a dataset this app can import in one file. Split it into smaller workbooks or save it as CSV.`)
  const textLength = (v: unknown): number =>
    typeof v === 'string' ? v.length : ((v as { richText?: { text?: string }[] })?.richText ?? []).reduce((n, r) => n + (r.text?.length ?? 0), 0)
  Object.defineProperty(reader, 'sharedStrings', {
    configurable: true,
    get: () => store,
    set(value: unknown[] | undefined) {
      if (!Array.isArray(value)) return void (store = value)
      const capped = value
      capped.push = (...items: unknown[]) => {
        for (const item of items) {
          const n = textLength(item)
          if (n > maxRecordChars) throw fieldTooLong(`A cell of "${shown}"`)
          chars += n + 16 // each string also costs its own bookkeeping
          if (chars > maxSharedStringChars) throw tooMany()
          Array.prototype.push.call(capped, item)
        }
        return capped.length
      }
      store = capped
    },
  })
}
