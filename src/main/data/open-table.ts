// Open any supported source as a TableReader: detect format and encoding, refuse what is not data.
import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { UserError } from '../../shared/api'
import { openCsv } from './csv-reader'
import { detectEncoding } from './encoding'
import { assertText, guessFormat } from './file-kind'
import { openFolder } from './folder-reader'
import { openJson, openJsonl } from './json-reader'
import { withLimits } from './record-limits'
import { readError, type TableReader } from './table-reader'
import type { DataFormat } from './types'
import { openXlsx } from './xlsx-reader'

/** How to read a source; anything left out is detected. */
export interface OpenOptions {
  format?: DataFormat
  encoding?: string
  sheet?: string
  /** Name to show in messages (an upload's original file name). */
  shownName?: string
  /** A folder holds images (one sub-folder per label), not .txt files. */
  images?: boolean
}

/** A file's identity when we started reading, to notice it changing under us. */
export interface FileIdentity {
  size: number
  mtimeMs: number
  isFolder: boolean
}

const sampleBytes = 64 * 1024

async function readSample(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(sampleBytes)
    const { bytesRead } = await fh.read(buf, 0, sampleBytes, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

/** Open `path` for reading records. */
export async function openTable(path: string, options: OpenOptions = {}): Promise<{ reader: TableReader; identity: FileIdentity }> {
  const shown = options.shownName ?? basename(path)
  let st
  try {
    st = await stat(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`"${shown}" does not exist.`, 'not_found')
    throw readError(err, shown)
  }
  if (st.isDirectory()) {
    if (options.format && options.format !== 'folder') throw new UserError(`"${shown}" is a folder, not a ${options.format} file.`)
    const reader = withLimits(await openFolder({ path, shown, encoding: options.encoding, images: options.images }), shown)
    return { reader, identity: { size: 0, mtimeMs: 0, isFolder: true } }
  }
  if (!st.isFile()) throw new UserError(`"${shown}" is not a regular file.`)
  if (options.format === 'folder') throw new UserError(`"${shown}" is a file, not a folder.`)
  if (st.size === 0) throw new UserError(`"${shown}" is empty (0 bytes).`)
  const sample = await readSample(path).catch((err) => {
    throw readError(err, shown)
  })
  const format = options.format ?? guessFormat(shown, sample)
  const identity = { size: st.size, mtimeMs: st.mtimeMs, isFolder: false }
  if (format === 'xlsx') {
    return { reader: withLimits(await openXlsx({ path, shown, sample, sheet: options.sheet, totalBytes: st.size }), shown), identity }
  }
  const complete = st.size <= sample.length
  const guess = detectEncoding(sample, complete, options.encoding)
  assertText(sample, guess.encoding, shown)
  const common = { path, shown, encoding: guess.encoding, encodingCandidates: guess.candidates, totalBytes: st.size }
  let reader: TableReader
  if (format === 'json') reader = await openJson(common)
  else if (format === 'jsonl') reader = await openJsonl(common)
  else reader = await openCsv({ ...common, format: format === 'tsv' ? 'tsv' : 'csv', sample })
  reader.details.encodingBasis = guess.basis
  return { reader: withLimits(reader, shown), identity }
}
