// Importing images: a folder with one sub-folder per label (optionally inside train/validation/test folders), or
// a CSV/XLSX with a column of image paths (relative to the file's folder, or absolute) and a label column. Each
// image is read and checked once: its format, its size as shown (EXIF rotation applied), its exact and
// perceptual fingerprints. A dataset of images stores each image's path and those facts (the row's cells), not
// its pixels: the size a model reads is a run setting (16 to 64 px), decoding a small image takes about a
// millisecond, and the database stays small. A file that cannot be read is kept as a row that says why, so the
// doctor can show it and offer to drop it; nothing the user gave is silently lost. A file changed after import
// is noticed by its fingerprint when a run reads it.
import { readdir, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { UserError } from '../../shared/api'
import { imageFileEndings, imagePathColumn, type ImportKind } from '../../shared/dataset-kinds'
import { guessColumns } from '../data/column-guess'
import { readImageFile } from '../data/image-decode'
import { exactImageHash, perceptualHash } from '../data/image-hash'
import { recordSplit } from '../data/row-mapping'
import type { MappedRow, SourceRecord } from '../data/types'

/** The cells an image row keeps: where the file is and what it was when imported, or why it could not be read. */
export interface ImageCells extends Record<string, string> {
  path: string
  format: string
  width: string
  height: string
  sha256: string
  dhash: string
  /** Set when the file could not be read (then the facts above are empty). */
  error: string
}

/** What the import reads: the column of image paths, the label, the split, and the folder relative paths start from. */
export interface ImagePlan {
  imageColumn: string
  labelColumn: string
  splitColumn: string | null
  baseDir: string
}

/** The options an image import reads. */
export interface ImageOptions {
  kind?: ImportKind
  imageColumn?: string | null
  labelColumn?: string | null
  splitColumn?: string | null
}

const isImageName = (v: string) => imageFileEndings.some((e) => v.trim().toLowerCase().endsWith(e))

/** True when `path` is a folder to read as images: asked for, or 'auto' and its sub-folders hold images and no .txt. */
export async function readsImageFolder(path: string, kind: ImportKind | undefined): Promise<boolean> {
  if (kind !== 'image' && kind !== 'auto') return false
  const st = await stat(path).catch(() => null)
  if (!st?.isDirectory()) return false
  if (kind === 'image') return true
  let images = 0
  let texts = 0
  const look = async (dir: string, depth: number): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (e.name.startsWith('.') || e.isSymbolicLink()) continue
      if (e.isDirectory() && depth < 2) await look(join(dir, e.name), depth + 1)
      else if (e.isFile() && depth > 0) {
        if (isImageName(e.name)) images++
        else if (e.name.toLowerCase().endsWith('.txt')) texts++
      }
      if (images + texts >= 50) return
    }
  }
  await look(path, 0)
  return images > 0 && texts === 0
}

/** Which columns hold the image path, the label and the split; refused in a sentence when one is missing. */
export function planImages(options: ImageOptions | undefined, columns: string[], sample: Record<string, string>[], source: { path: string; isFolder: boolean }): ImagePlan {
  const imageColumn = options?.imageColumn ?? imagePathColumn(columns, sample)
  if (!imageColumn) throw new UserError(`No column holds image file names (.png, .jpg, .jpeg, .webp, .gif). The file's columns are: ${columns.join(', ')}.`)
  if (!columns.includes(imageColumn)) throw new UserError(`Column "${imageColumn}" not found. The file's columns are: ${columns.join(', ')}.`)
  const guess = guessColumns(columns.filter((c) => c !== imageColumn), sample)
  // Besides the image and split columns, the label is a column named like one, else one repeating a few values.
  const rest = columns.filter((c) => c !== imageColumn && c !== guess.splitColumn)
  const repeats = (c: string) => {
    const values = sample.map((r) => (r[c] ?? '').trim()).filter((v) => v !== '')
    const distinct = new Set(values).size
    return values.length > 0 && distinct >= 2 && (distinct <= 20 || distinct <= values.length / 2)
  }
  const labelColumn = options?.labelColumn ?? guess.labelColumn ?? rest.find(repeats) ?? null
  if (!labelColumn) throw new UserError('The images have no label column: choose the column that says what each image shows.')
  if (!columns.includes(labelColumn)) throw new UserError(`Column "${labelColumn}" not found. The file's columns are: ${columns.join(', ')}.`)
  if (labelColumn === imageColumn) throw new UserError(`"${imageColumn}" cannot be both the image and the label column.`)
  let splitColumn = options?.splitColumn !== undefined ? options.splitColumn : guess.splitColumn
  if (splitColumn === imageColumn || splitColumn === labelColumn) splitColumn = null
  return { imageColumn, labelColumn, splitColumn, baseDir: source.isFolder ? source.path : dirname(source.path) }
}

/** The name an image is shown by: its path under the import's folder, else as written. */
function shownName(path: string, plan: ImagePlan, written: string): string {
  const rel = relative(plan.baseDir, path)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : written.trim()
}

/**
 * One record as a stored row: the image read and fingerprinted, or kept with the reason it could not be.
 * `checkRead` (web mode's path policy) refuses a path outside the allowed folders, which stops the import.
 */
export async function mapImageRecord(rec: SourceRecord, plan: ImagePlan, shown: string, checkRead?: (path: string) => void): Promise<MappedRow & { cells: ImageCells }> {
  const written = rec.values[plan.imageColumn] ?? ''
  if (written.trim() === '') throw new UserError(`"${shown}" line ${rec.line}: the image column "${plan.imageColumn}" is empty.`)
  const path = resolve(plan.baseDir, written.trim())
  checkRead?.(path)
  const name = shownName(path, plan, written)
  const rawLabel = (rec.values[plan.labelColumn] ?? '').trim()
  const split = recordSplit(rec, plan.splitColumn, shown)
  const cells: ImageCells = { path, format: '', width: '', height: '', sha256: '', dhash: '', error: '' }
  try {
    const image = await readImageFile(path, name)
    Object.assign(cells, { format: image.format, width: String(image.width), height: String(image.height), sha256: exactImageHash(image), dhash: await perceptualHash(image) })
  } catch (err) {
    if (!(err instanceof UserError)) throw err
    cells.error = err.message
  }
  return { text: name, label: rawLabel === '' ? null : rawLabel, split, cells }
}

/** Refuses images whose labels cannot be learned from: none, or just one. */
export function checkImageLabels(plan: ImagePlan, labels: string[], readable: number): void {
  if (readable === 0) throw new UserError('None of the images could be read: they are missing, damaged or not PNG, JPEG, WebP or GIF files.')
  if (labels.length === 0) throw new UserError(`The label column "${plan.labelColumn}" is empty for every image: choose the column that says what each image shows.`)
  if (labels.length === 1) throw new UserError(`Every image has the label "${labels[0]!.slice(0, 40)}": a classifier needs at least two classes.`)
}
