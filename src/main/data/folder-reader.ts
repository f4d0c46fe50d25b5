// Folder-per-label reader: ROOT/<label>/*.txt, or ROOT/<split>/<label>/*.txt. Links are refused:
// following them could read files outside the folder the user chose. With `images` it lists image files
// (.png, .jpg, .jpeg, .webp, .gif) instead and yields each one's path, not its content: decoding is the
// image import's (services/image-import.ts).
import { lstat, readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { UserError } from '../../shared/api'
import type { SplitName } from '../../shared/domain'
import { decodeBuffer, detectEncoding } from './encoding'
import { assertText } from './file-kind'
import { maxRecordChars, readError, type TableReader } from './table-reader'
import type { SourceRecord } from './types'

/** What the folder reader needs. */
export interface FolderOpen {
  path: string
  shown: string
  encoding?: string
  /** List image files and yield their paths (column "image") instead of reading .txt files. */
  images?: boolean
}

interface FileEntry {
  path: string
  shown: string
  label: string
  split: SplitName | null
  size: number
}

const splitFolders: Record<string, SplitName> = { train: 'train', training: 'train', validation: 'validation', valid: 'validation', val: 'validation', dev: 'validation', test: 'test', testing: 'test' }

function checkName(name: string, where: string): void {
  if (name === '..' || name.includes('..') || name.includes('/') || name.includes('\\') || name.includes('\0')) {
    throw new UserError(`"${where}/${name}" has ".." or a path separator in its name; rename it. Nothing was imported.`)
  }
}

async function entries(dir: string, shown: string) {
  const list = await readdir(dir, { withFileTypes: true })
  list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  for (const e of list) {
    checkName(e.name, shown)
    if (e.isSymbolicLink()) {
      throw new UserError(`"${shown}/${e.name}" is a symbolic link. Links are not followed (they can point outside the folder); copy the real files in instead.`)
    }
  }
  return list.filter((e) => !e.name.startsWith('.'))
}

const imageEndings = ['.png', '.jpg', '.jpeg', '.webp', '.gif']

async function labelFiles(dir: string, shown: string, label: string, split: SplitName | null, out: FileEntry[], images: boolean): Promise<void> {
  for (const f of await entries(dir, shown)) {
    const name = f.name.toLowerCase()
    if (!f.isFile() || !(images ? imageEndings.some((e) => name.endsWith(e)) : name.endsWith('.txt'))) continue
    const path = join(dir, f.name)
    const st = await lstat(path)
    out.push({ path, shown: `${shown}/${f.name}`, label, split, size: st.size })
  }
}

/** Open a folder of label sub-folders; the listing is taken up front, files are read one by one. */
export async function openFolder(o: FolderOpen): Promise<TableReader> {
  const root = basename(o.path)
  let top
  try {
    top = (await entries(o.path, root)).filter((e) => e.isDirectory())
  } catch (err) {
    throw readError(err, o.shown)
  }
  if (top.length === 0) {
    throw new UserError(
      o.images
        ? `The folder "${o.shown}" has no sub-folders. Put each label's images in a sub-folder named after the label (for example cats/ and dogs/).`
        : `The folder "${o.shown}" has no sub-folders. Put each label's .txt files in a sub-folder named after the label (for example spam/ and ham/).`,
    )
  }
  const files: FileEntry[] = []
  const bySplit = top.every((d) => splitFolders[d.name.toLowerCase()])
  if (bySplit) {
    for (const s of top) {
      const split = splitFolders[s.name.toLowerCase()]
      for (const l of (await entries(join(o.path, s.name), `${root}/${s.name}`)).filter((e) => e.isDirectory())) {
        await labelFiles(join(o.path, s.name, l.name), `${root}/${s.name}/${l.name}`, l.name, split, files, o.images === true)
      }
    }
  } else {
    for (const l of top) await labelFiles(join(o.path, l.name), `${root}/${l.name}`, l.name, null, files, o.images === true)
  }
  if (files.length === 0) {
    throw new UserError(`The sub-folders of "${o.shown}" (${top.map((d) => d.name).join(', ')}) hold no ${o.images ? 'images (.png, .jpg, .jpeg, .webp, .gif)' : '.txt files'}.`)
  }
  const totalBytes = files.reduce((s, f) => s + f.size, 0)
  let bytes = 0
  let encoding = o.encoding ?? 'utf-8'
  async function* records(): AsyncGenerator<SourceRecord> {
    let n = 0
    for (const f of files) {
      n++
      if (o.images) {
        bytes += f.size
        yield { line: n, values: { image: f.path, label: f.label, ...(bySplit ? { split: f.split ?? '' } : {}) } }
        continue
      }
      let data: Buffer
      try {
        data = await readFile(f.path)
      } catch (err) {
        throw readError(err, f.shown)
      }
      if (data.length > maxRecordChars * 2) throw new UserError(`"${f.shown}" is larger than ${(maxRecordChars * 2) / 1_000_000} MB; one file is one text to classify.`)
      const enc = o.encoding ?? detectEncoding(data, true).encoding
      if (n === 1) encoding = enc
      assertText(data.subarray(0, 65536), enc, f.shown)
      bytes += f.size
      const values: Record<string, string> = { text: decodeBuffer(data, enc), label: f.label }
      if (bySplit) values.split = f.split ?? ''
      yield { line: n, values }
    }
  }
  return {
    format: 'folder',
    get encoding() {
      return encoding
    },
    encodingCandidates: ['utf-8', 'utf-16le', 'gb18030', 'shift_jis', 'windows-1252'],
    details: { files: String(files.length), layout: bySplit ? 'split/label' : 'label' },
    columns: [o.images ? 'image' : 'text', 'label', ...(bySplit ? ['split'] : [])],
    totalBytes,
    bytesRead: () => bytes,
    records: records(),
    close: () => {},
  }
}
