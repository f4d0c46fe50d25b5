// The dataset doctor's checks that only images have: files that could not be read, near-duplicates by
// perceptual hash (the same picture resized, recompressed or slightly recoloured), and mixed sizes and shapes
// (the centre crop cuts the ends of long images; small ones are enlarged). Exact duplicates, conflicting
// labels, leakage between splits and tiny classes come from the doctor shared with texts, run on each image's
// content: the shared doctor reads an image row as the SHA-256 of its bytes (`imageFactsRow`), so two copies
// of one picture under different names are one "text", and its fixes (dedupe, drop leaked) work on images.
import type { StoredRow } from './types'
import type { DraftFinding } from './doctor'
import { nearDuplicateBits } from './image-hash'

/** Findings of the text doctor that mean nothing for images (their "text" is a content hash). */
export const textOnlyImageFindings = new Set(['empty-texts', 'too-long', 'near-duplicates'])

const maxExamples = 5
/** Longer side over shorter side beyond which the centre crop loses much of an image. */
const longShape = 1.5
/** Images smaller than this on a side are enlarged for every model size the app offers but 16 px. */
const smallSide = 32

/** A stored image row as the shared doctor should see it: its content hash as the text, empty when unreadable. */
export function imageFactsRow<R extends StoredRow & { cells?: Record<string, string> }>(r: R): R {
  const c = r.cells
  if (!c || typeof c.sha256 !== 'string') return r
  return { ...r, text: c.error ? '' : `image:${c.sha256}` }
}

/** Collects per-image facts row by row (positions in scan order, as the shared doctor counts them). */
export class ImageFacts {
  private n = 0
  private unreadable: number[] = []
  private reasons: string[] = []
  private hashes: { p: number; hi: number; lo: number; sha: string }[] = []
  private sizes = new Map<string, number>()
  private long: number[] = []
  private small: number[] = []

  /** One stored row's cells. */
  add(cells: Record<string, string> | undefined): void {
    const p = this.n++
    if (!cells) return
    if (cells.error) {
      this.unreadable.push(p)
      if (this.reasons.length < 3) this.reasons.push(cells.error)
      return
    }
    const w = Number(cells.width)
    const h = Number(cells.height)
    if (w > 0 && h > 0) {
      const key = `${w} x ${h}`
      this.sizes.set(key, (this.sizes.get(key) ?? 0) + 1)
      if (Math.max(w, h) / Math.min(w, h) > longShape) this.long.push(p)
      if (Math.min(w, h) < smallSide) this.small.push(p)
    }
    if (/^[0-9a-f]{16}$/.test(cells.dhash ?? '')) {
      this.hashes.push({ p, hi: parseInt(cells.dhash!.slice(0, 8), 16), lo: parseInt(cells.dhash!.slice(8), 16), sha: cells.sha256 ?? '' })
    }
  }

  /** Pairs of different files whose perceptual hashes differ in at most `nearDuplicateBits` of 64 bits. */
  nearPairs(): [number, number][] {
    const pairs: [number, number][] = []
    const hs = this.hashes
    for (let i = 0; i < hs.length; i++) {
      for (let j = i + 1; j < hs.length; j++) {
        const a = hs[i]!
        const b = hs[j]!
        if (a.sha === b.sha) continue // the same bytes: an exact duplicate, reported as such
        if (popcount(a.hi ^ b.hi) + popcount(a.lo ^ b.lo) <= nearDuplicateBits) pairs.push([a.p, b.p])
      }
    }
    return pairs
  }

  /** The images' findings, examples as row positions. */
  finish(): DraftFinding[] {
    const out: DraftFinding[] = []
    const n = this.n
    if (this.unreadable.length) {
      const k = this.unreadable.length
      out.push({
        id: 'image-unreadable',
        severity: k === n ? 'blocking' : 'warning',
        title: 'Images that cannot be read',
        detail: `${k} of ${n} image file(s) could not be read (missing, damaged, or not PNG, JPEG, WebP or GIF), so training leaves them out. For example: ${this.reasons.join(' ')}`,
        count: k,
        examples: this.unreadable.slice(0, maxExamples),
        params: { n: k, total: n },
        fixes: k < n ? [{ id: 'drop-unreadable', label: `Remove the ${k} unreadable image(s)`, params: { n: k } }] : [],
      })
    }
    const pairs = this.nearPairs()
    if (pairs.length) {
      const rows = [...new Set(pairs.flat())]
      out.push({
        id: 'image-near-duplicates',
        severity: 'warning',
        title: 'Near-duplicate images',
        detail: `${pairs.length} pair(s) of different files show almost the same picture (perceptual hashes differ in at most ${nearDuplicateBits} of 64 bits): the same photo resized, recompressed or slightly recoloured. Copies in both training and test make the score look better than it is; check them and remove the extra copies.`,
        count: pairs.length,
        examples: rows.slice(0, maxExamples),
        params: { n: pairs.length, bits: nearDuplicateBits },
        fixes: [],
      })
    }
    if (this.sizes.size > 1 || this.long.length || this.small.length) {
      const common = [...this.sizes].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([s, c]) => `${s} (${c})`).join(', ')
      const warn = this.long.length > n / 10 || this.small.length > n / 10
      out.push({
        id: 'image-mixed-sizes',
        severity: warn ? 'warning' : 'info',
        title: 'Mixed image sizes',
        detail: `The images come in ${this.sizes.size} size(s), most often ${common}. Each is centre-cropped to a square and resized: ${this.long.length} long image(s) (one side over ${longShape} times the other) lose their ends, and ${this.small.length} image(s) smaller than ${smallSide} px are enlarged.`,
        count: this.long.length + this.small.length,
        examples: [...this.long, ...this.small].slice(0, maxExamples),
        params: { sizes: this.sizes.size, common, long: this.long.length, small: this.small.length, ratio: longShape, side: smallSide },
        fixes: [],
      })
    }
    return out
  }
}

function popcount(x: number): number {
  let v = x >>> 0
  let c = 0
  while (v) {
    v &= v - 1
    c++
  }
  return c
}
