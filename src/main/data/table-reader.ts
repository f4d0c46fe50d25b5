// The one shape every reader returns, plus small helpers the readers share.
import { stat } from 'node:fs/promises'
import { UserError } from '../../shared/api'
import type { DataFormat, SourceRecord } from './types'

/** Longest single record (row, line, cell) we accept, in characters. Longer is not a text to classify. */
export const maxRecordChars = 1_000_000

/** An opened table: what was detected, and its records (read once, in order, streaming). */
export interface TableReader {
  format: DataFormat
  encoding: string
  encodingCandidates: string[]
  sheets?: string[]
  /** Extra facts worth showing, e.g. the sniffed delimiter or whether a header was found. */
  details: Record<string, string | boolean>
  columns: string[]
  totalBytes: number
  /** Bytes consumed so far, for progress. */
  bytesRead(): number
  records: AsyncIterable<SourceRecord>
  /** Stop reading and release the file. */
  close(): void
}

/** Pull the first `n` items of an iterable, and get back an iterable that still yields everything. */
export async function peek<T>(source: AsyncIterable<T>, n: number): Promise<{ head: T[]; all: AsyncIterable<T> }> {
  const it = source[Symbol.asyncIterator]()
  const head: T[] = []
  let done = false
  while (head.length < n) {
    const r = await it.next()
    if (r.done) {
      done = true
      break
    }
    head.push(r.value)
  }
  async function* all(): AsyncGenerator<T> {
    yield* head
    if (done) return
    for (;;) {
      const r = await it.next()
      if (r.done) return
      yield r.value
    }
  }
  return { head, all: all() }
}

/** Throw if the file vanished or changed size while we read it (it would be a partial import). */
export async function assertUnchanged(path: string, size: number, mtimeMs: number, shown: string): Promise<void> {
  let now
  try {
    now = await stat(path)
  } catch {
    throw new UserError(`"${shown}" disappeared while it was being imported. Nothing was saved; put the file back and try again.`)
  }
  if (now.size !== size || now.mtimeMs !== mtimeMs) {
    throw new UserError(`"${shown}" changed while it was being imported. Nothing was saved; try again once it is no longer being written.`)
  }
}

/** Turn a low-level read error into a plain sentence. */
export function readError(err: unknown, shown: string): Error {
  if (err instanceof UserError) return err
  const code = (err as NodeJS.ErrnoException)?.code
  if (code === 'ENOENT') return new UserError(`"${shown}" disappeared while it was being imported. Nothing was saved.`)
  if (code === 'EACCES' || code === 'EPERM') return new UserError(`"${shown}" cannot be read: permission denied.`)
  if (code === 'EISDIR') return new UserError(`"${shown}" is a folder; choose the folder format or a file.`)
  return err instanceof Error ? err : new Error(String(err))
}

/** Cell value as text: numbers, booleans and dates printed, objects as JSON, null as empty. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v)
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString()
  return JSON.stringify(v)
}

/** Rows of cells as records keyed by column name, skipping the header row when there is one. */
export async function* cellsToRecords(
  rows: AsyncIterable<{ line: number; cells: string[] }>,
  columns: string[],
  hasHeader: boolean,
): AsyncGenerator<SourceRecord> {
  let first = true
  for await (const r of rows) {
    if (first && hasHeader) {
      first = false
      continue
    }
    first = false
    // No prototype: a column named "__proto__" (or "constructor") is a column like any other.
    const values = Object.create(null) as Record<string, string>
    for (let i = 0; i < columns.length; i++) values[columns[i]] = r.cells[i] ?? ''
    yield { line: r.line, values }
  }
}
