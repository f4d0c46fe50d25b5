// JSON (an array of objects) and JSON Lines readers. The array is parsed incrementally so a
// large file never sits in memory whole; a syntax error names its line.
import { JSONParser } from '@streamparser/json'
import { createReadStream } from 'node:fs'
import { pipeline } from 'node:stream'
import { UserError } from '../../shared/api'
import { decoderStream } from './encoding'
import { splitLines } from './lines'
import { fieldTooLong, JsonDepthGuard, maxJsonDepth } from './record-limits'
import { cellText, maxRecordChars, peek, readError, type TableReader } from './table-reader'
import type { SourceRecord } from './types'

/** What the JSON readers need that the caller already detected. */
export interface JsonOpen {
  path: string
  shown: string
  encoding: string
  encodingCandidates: string[]
  totalBytes: number
}

/** Bytes one array item may span while it is being parsed: a 1 million character field, escaped, fits. */
const maxItemBytes = 8 * maxRecordChars

/** How many leading records decide the column list (keys seen later are still read if named). */
const columnSampleSize = 200

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'a list'
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`
}

function toValues(obj: Record<string, unknown>): Record<string, string> {
  // No prototype: a key "__proto__" (JSON.parse keeps it as an own key) is a column like any other.
  const values = Object.create(null) as Record<string, string>
  for (const [k, v] of Object.entries(obj)) values[k] = cellText(v)
  return values
}

async function finish(
  format: 'json' | 'jsonl',
  o: JsonOpen,
  source: AsyncIterable<SourceRecord>,
  bytesRead: () => number,
  close: () => void,
): Promise<TableReader> {
  const { head, all } = await peek(source, columnSampleSize)
  if (head.length === 0) throw new UserError(`"${o.shown}" holds no records.`)
  const columns: string[] = []
  for (const r of head) for (const k of Object.keys(r.values)) if (!columns.includes(k)) columns.push(k)
  return { format, encoding: o.encoding, encodingCandidates: o.encodingCandidates, details: {}, columns, totalBytes: o.totalBytes, bytesRead, records: all, close }
}

/** Open a JSON file holding an array of objects. */
export async function openJson(o: JsonOpen): Promise<TableReader> {
  const file = createReadStream(o.path, { highWaterMark: 256 * 1024 })
  const decoded = decoderStream(o.encoding)
  pipeline(file, decoded, () => {})
  async function* records(): AsyncGenerator<SourceRecord> {
    const parser = new JSONParser({ paths: ['$.*'], keepStack: false })
    let pending: SourceRecord[] = []
    let item = 0
    let linesBefore = 0
    let started = false
    let current: Buffer = Buffer.alloc(0)
    let failure: Error | null = null
    const depth = new JsonDepthGuard(() => `Item ${item + 1} of the JSON array in "${o.shown}"`, maxJsonDepth + 1, 1)
    let bytesInItem = 0
    const seen = { completed: false }
    parser.onValue = ({ value }) => {
      item++
      seen.completed = true
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        failure ??= new UserError(`Item ${item} of the JSON array in "${o.shown}" is ${describe(value)}, not an object with fields such as {"text": ..., "label": ...}.`)
        return
      }
      pending.push({ line: item, values: toValues(value as Record<string, unknown>) })
    }
    parser.onError = (err) => {
      failure ??= syntaxError(err, o.shown, linesBefore, current)
    }
    try {
      for await (const chunk of decoded as AsyncIterable<string>) {
        if (!started) {
          const t = chunk.trimStart()
          if (t.length === 0) continue
          started = true
          if (!t.startsWith('[')) {
            throw new UserError(
              `"${o.shown}" is JSON but not a list of records (it starts with "${t[0]}"). Expected [{"text": ..., "label": ...}, ...]${t.startsWith('{') ? '; if it has one object per line, choose the JSON Lines format' : ''}.`,
            )
          }
        }
        // Nesting is checked before the parser sees it; the array itself is one level.
        depth.feed(chunk)
        current = Buffer.from(chunk, 'utf8')
        seen.completed = false
        try {
          parser.write(current)
        } catch (err) {
          failure ??= syntaxError(err as Error, o.shown, linesBefore, current)
        }
        if (failure) throw failure
        // One item may not grow without bound while the parser holds it whole.
        bytesInItem = seen.completed ? 0 : bytesInItem + current.length
        if (bytesInItem > maxItemBytes) throw fieldTooLong(`Item ${item + 1} of the JSON array in "${o.shown}"`)
        linesBefore += countNewlines(current, current.length)
        const out = pending
        pending = []
        yield* out
      }
      if (!started) throw new UserError(`"${o.shown}" is empty.`)
      if (!parser.isEnded) {
        throw new UserError(`"${o.shown}" ends before its JSON is complete (line ${linesBefore + 1}): the closing "]" or "}" is missing.`)
      }
    } catch (err) {
      throw readError(err, o.shown)
    }
  }
  return finish('json', o, records(), () => file.bytesRead, () => file.destroy())
}

/** Open a JSON Lines file: one object per line, blank lines skipped. */
export async function openJsonl(o: JsonOpen): Promise<TableReader> {
  const file = createReadStream(o.path, { highWaterMark: 256 * 1024 })
  const decoded = decoderStream(o.encoding)
  pipeline(file, decoded, () => {})
  async function* records(): AsyncGenerator<SourceRecord> {
    try {
      for await (const { line, text } of splitLines(decoded as AsyncIterable<string>, maxRecordChars, o.shown)) {
        if (text.trim() === '') continue
        new JsonDepthGuard(() => `Line ${line} of "${o.shown}"`).feed(text)
        let value: unknown
        try {
          value = JSON.parse(text)
        } catch (err) {
          throw new UserError(`Line ${line} of "${o.shown}" is not valid JSON: ${(err as Error).message.replace(/^JSON\.parse: /, '')}`)
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
          throw new UserError(`Line ${line} of "${o.shown}" is ${describe(value)}, not an object such as {"text": ..., "label": ...}.`)
        }
        yield { line, values: toValues(value as Record<string, unknown>) }
      }
    } catch (err) {
      throw readError(err, o.shown)
    }
  }
  return finish('jsonl', o, records(), () => file.bytesRead, () => file.destroy())
}

function countNewlines(buf: Buffer, end: number): number {
  let n = 0
  for (let i = buf.indexOf(10); i >= 0 && i < end; i = buf.indexOf(10, i + 1)) n++
  return n
}

/** The streaming parser reports a byte position in the chunk; turn it into a line number. */
function syntaxError(err: Error, shown: string, linesBefore: number, chunk: Buffer): UserError {
  const m = /chunk position "?(\d+)"?/.exec(err.message)
  const pos = m ? Number(m[1]) : chunk.length
  const line = linesBefore + countNewlines(chunk, Math.min(pos, chunk.length)) + 1
  const what = /Unexpected "?([^"\s]*)"?/.exec(err.message)
  const detail = what && what[1] ? `unexpected "${what[1]}"` : err.message
  return new UserError(`"${shown}" is not valid JSON at line ${line}: ${detail}.`)
}
