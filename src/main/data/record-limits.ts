// The limits every reader (CSV, TSV, JSON, JSON Lines, XLSX, folder) enforces the same way, so a
// hostile or broken file ends in a plain refusal instead of a crash or a memory blow-up.
import { UserError } from '../../shared/api'
import { maxRecordChars, type TableReader } from './table-reader'
import type { SourceRecord } from './types'

/** Rows one dataset may have. */
export const maxRows = 5_000_000
/** Fields (columns, keys) one record may have. */
export const maxFields = 1_000
/** How deeply JSON may nest ({"a": {"b": [...]}} is three levels). */
export const maxJsonDepth = 64
/** Characters all of an .xlsx file's shared strings may hold together. */
export const maxSharedStringChars = 32_000_000

const million = (n: number) => `${(n / 1_000_000).toLocaleString('en-US')} million`

/** The error for one field over maxRecordChars. */
export function fieldTooLong(where: string): UserError {
  return new UserError(`${where} has a field longer than ${million(maxRecordChars)} characters. A single text that long cannot be classified; check the file's format.`)
}

/** Check every record's field count and lengths and the running row count, as records stream by. */
export async function* limitRecords(records: AsyncIterable<SourceRecord>, shown: string, what = 'Row'): AsyncGenerator<SourceRecord> {
  let rows = 0
  for await (const r of records) {
    if (++rows > maxRows) throw new UserError(`"${shown}" has more than ${million(maxRows)} rows, the most one dataset can hold. Split it into smaller files.`)
    let fields = 0
    for (const k in r.values) {
      if (++fields > maxFields) throw new UserError(`${what} ${r.line} of "${shown}" has more than ${maxFields.toLocaleString('en-US')} fields.`)
      if (r.values[k].length > maxRecordChars || k.length > maxRecordChars) throw fieldTooLong(`${what} ${r.line} of "${shown}"`)
    }
    yield r
  }
}

/** The same reader with its records checked by limitRecords. */
export function withLimits(reader: TableReader, shown: string): TableReader {
  const what = reader.format === 'json' ? 'Item' : reader.format === 'jsonl' ? 'Line' : reader.format === 'folder' ? 'File' : 'Row'
  reader.records = limitRecords(reader.records, shown, what)
  return reader
}

/**
 * Tracks JSON nesting across chunks of text (strings and escapes understood) and refuses nesting
 * deeper than maxJsonDepth before a parser recurses into it.
 */
export class JsonDepthGuard {
  private depth = 0
  private inString = false
  private escaped = false

  constructor(
    private readonly where: () => string,
    private readonly limit = maxJsonDepth,
    /** Levels the caller counts as its own (the array around JSON records), left out of the message. */
    private readonly outer = 0,
  ) {}

  /** Scan the next piece of the text; throws a UserError once nesting passes the limit. */
  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (this.inString) {
        if (this.escaped) this.escaped = false
        else if (c === 0x5c) this.escaped = true
        else if (c === 0x22) this.inString = false
      } else if (c === 0x22) this.inString = true
      else if (c === 0x5b || c === 0x7b) {
        if (++this.depth > this.limit) throw new UserError(`${this.where()} nests deeper than ${this.limit - this.outer} levels of [ ] or { }. Records should be flat, such as {"text": ..., "label": ...}.`)
      } else if (c === 0x5d || c === 0x7d) this.depth = Math.max(0, this.depth - 1)
    }
  }
}
