// Recognise what a file really is from its first bytes, so a renamed binary gets a plain answer
// instead of a parser error thousands of rows in.
import { extname } from 'node:path'
import { UserError } from '../../shared/api'
import { bomOf, decodeBuffer } from './encoding'
import type { DataFormat } from './types'

const magics: { bytes: number[]; what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'zip' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Office file (.xls/.doc)' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], what: 'an SQLite database' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF binary)' },
]

/** What a file's magic number says it is, or null for plain text or unknown. */
export function magicOf(sample: Uint8Array): string | null {
  for (const m of magics) if (m.bytes.every((b, i) => sample[i] === b)) return m.what
  return null
}

/** Throw a clear error when decoded text is really binary (control characters, NULs). */
export function assertText(sample: Uint8Array, encoding: string, fileName: string): void {
  const magic = magicOf(sample)
  if (magic) {
    const hint = magic === 'zip' ? ' If it is an Excel workbook, give it the .xlsx extension or choose the xlsx format.' : ''
    throw new UserError(`"${fileName}" is ${magic === 'zip' ? 'a zip archive' : magic}, not a text table.${hint}`)
  }
  const text = decodeBuffer(sample.subarray(0, 16384), encoding)
  let control = 0
  let firstBad = -1
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0xfffd) {
      control++
      if (firstBad < 0) firstBad = i
    }
  }
  if (text.length > 0 && control / text.length > 0.01) {
    const line = text.slice(0, firstBad).split('\n').length
    throw new UserError(
      `"${fileName}" does not look like text in ${encoding}: line ${line} already contains binary data. ` +
        `It may be a renamed binary file: open it in the program that made it and save it as CSV (UTF-8), Excel (.xlsx) or JSON, then import that file.`,
    )
  }
}

/** The format implied by a file's extension and first bytes. */
export function guessFormat(fileName: string, sample: Uint8Array): DataFormat {
  const ext = extname(fileName).toLowerCase()
  if (ext === '.xls') {
    throw new UserError(`"${fileName}" is an old Excel .xls file. Open it in Excel or LibreOffice and save it as .xlsx or .csv.`)
  }
  if (ext === '.xlsx' || ext === '.xlsm') return 'xlsx'
  if (ext === '.tsv' || ext === '.tab') return 'tsv'
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl'
  const bom = bomOf(sample)
  const head = decodeBuffer(sample.subarray(0, 4096), bom?.encoding ?? 'utf-8').trimStart()
  if (ext === '.json') return head.startsWith('{') && /\}\s*\r?\n\s*\{/.test(head) ? 'jsonl' : 'json'
  if (ext === '.csv' || ext === '.txt') return 'csv'
  if (magicOf(sample) === 'zip') return 'xlsx'
  if (head.startsWith('[')) return 'json'
  if (head.startsWith('{')) return 'jsonl'
  return 'csv'
}
