// CSV/TSV reader: csv-parse streaming over a decoding stream; delimiter and header sniffed.
import { parse, type Parser } from 'csv-parse'
import { createReadStream } from 'node:fs'
import { pipeline } from 'node:stream'
import { UserError } from '../../shared/api'
import { sniffDelimiter } from './csv-sniff'
import { decodeBuffer, decoderStream } from './encoding'
import { headerColumns, looksLikeHeader, numberedColumns, shortList } from './header-sniff'
import { cellsToRecords, maxRecordChars, peek, readError, type TableReader } from './table-reader'

/** What the CSV reader needs that the caller already detected. */
export interface CsvOpen {
  path: string
  shown: string
  format: 'csv' | 'tsv'
  sample: Uint8Array
  encoding: string
  encodingCandidates: string[]
  totalBytes: number
}

const delimiterNames: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe' }

/** Open a delimited text file and read its header (or decide it has none). */
export async function openCsv(o: CsvOpen): Promise<TableReader> {
  const sampleText = decodeBuffer(o.sample, o.encoding)
  const delimiter = o.format === 'tsv' ? '\t' : sniffDelimiter(sampleText)
  const file = createReadStream(o.path, { highWaterMark: 256 * 1024 })
  const parser: Parser = parse({
    delimiter,
    relax_quotes: true,
    skip_empty_lines: true,
    max_record_size: maxRecordChars,
    info: true,
    bom: true,
  })
  let failure: unknown = null
  pipeline(file, decoderStream(o.encoding), parser, (err) => {
    if (err) failure = err
  })
  let lastLine = 0
  async function* raw(): AsyncGenerator<{ line: number; cells: string[] }> {
    try {
      for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        lastLine = r.info.lines
        yield { line: r.info.lines, cells: r.record }
      }
    } catch (err) {
      throw csvError(failure ?? err, o.shown, lastLine)
    }
    if (failure) throw csvError(failure, o.shown, lastLine)
  }
  const { head, all } = await peek(raw(), 50)
  if (head.length === 0) throw new UserError(`"${o.shown}" has no rows: it holds only blank lines.`)
  const hasHeader = looksLikeHeader(head[0].cells, head.slice(1).map((r) => r.cells))
  const columns = hasHeader ? headerColumns(head[0].cells) : numberedColumns(head[0].cells.length)
  if (hasHeader && head.length === 1) {
    throw new UserError(`"${o.shown}" has a header row (${shortList(columns)}) but no data rows under it.`)
  }
  return {
    format: o.format,
    encoding: o.encoding,
    encodingCandidates: o.encodingCandidates,
    details: { delimiter: delimiterNames[delimiter] ?? delimiter, header: hasHeader },
    columns,
    totalBytes: o.totalBytes,
    bytesRead: () => file.bytesRead,
    records: cellsToRecords(all, columns, hasHeader),
    close: () => {
      file.destroy()
      parser.destroy()
    },
  }
}

/** csv-parse's error codes as sentences that name the line. */
function csvError(err: unknown, shown: string, lastGoodLine: number): Error {
  const e = err as { code?: string; lines?: number; record?: unknown[]; message?: string }
  const at = `"${shown}" line ${e.lines ?? lastGoodLine + 1}`
  switch (e.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
    case 'CSV_RECORD_DONT_MATCH_COLUMNS_LENGTH': {
      const m = /expect (\d+), got (\d+)/.exec(e.message ?? '')
      const counts = m ? ` has ${m[2]} fields but the first row has ${m[1]}` : ' has a different number of fields than the first row'
      return new UserError(`${at}${counts}. Check for a missing or extra delimiter, or a delimiter inside a field that is not quoted.`)
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return new UserError(
        `"${shown}" has a quoted field starting at line ${lastGoodLine + 1} that is never closed (the file ends inside quotes at line ${e.lines}). Add the missing closing quote.`,
      )
    case 'CSV_MAX_RECORD_SIZE':
      return new UserError(
        `${at} is longer than ${(maxRecordChars / 1_000_000).toLocaleString('en-US')} million characters. A single text that long cannot be classified; check the file's format (are the line breaks missing, or a quote left open?).`,
      )
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new UserError(`${at}: a quoted field is followed by other characters. Quotes inside a quoted field must be doubled ("").`)
    default:
      if (e.code?.startsWith('CSV_')) return new UserError(`${at}: ${e.message}`)
      return readError(err, shown)
  }
}
