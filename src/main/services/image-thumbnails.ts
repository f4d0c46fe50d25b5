// Thumbnails of an image dataset's rows for the dataset view: each row's image read again from its file and
// shrunk to a small PNG (a data URL), or the reason it cannot be shown.
import type { DatasetThumbnail } from '../../shared/api'
import { readImageFile, thumbnailPng } from '../data/image-decode'
import type { RowRecord } from '../store/datasets-repo'
import { imageRefOf } from './dataset-rows'

/** Longest side of a thumbnail, in pixels. */
export const thumbnailSide = 96

/** A thumbnail per row (rows that are not images get none, with the reason). */
export async function imageThumbnails(rows: RowRecord[]): Promise<DatasetThumbnail[]> {
  const out: DatasetThumbnail[] = []
  for (const r of rows) {
    const ref = imageRefOf(r.cells)
    if (!ref) {
      out.push({ index: r.idx, url: null, error: 'This row is not an image.' })
      continue
    }
    if (ref.error) {
      out.push({ index: r.idx, url: null, error: ref.error })
      continue
    }
    try {
      const png = await thumbnailPng(await readImageFile(ref.path, r.text), thumbnailSide)
      out.push({ index: r.idx, url: `data:image/png;base64,${png.toString('base64')}`, error: null })
    } catch (err) {
      out.push({ index: r.idx, url: null, error: (err as Error).message })
    }
  }
  return out
}
