// The content hash of a dataset version: its rows (text, label) in order, and their splits.
// Identical data with the identical split gives the identical hash, whatever the file was called.
import { createHash, type Hash } from 'node:crypto'

/** Feed rows in order, then `finish` with the split codes. */
export class ContentHasher {
  private rows: Hash = createHash('sha256')

  /** Add the next row. */
  add(text: string, label: string | null): void {
    this.rows.update(text)
    this.rows.update(label === null ? '\u0000\u001e' : `\u001f${label}\u001e`)
  }

  /** The version's hash, "sha256:<hex>". */
  finish(splitCodes: Uint8Array): string {
    const splits = createHash('sha256').update(splitCodes).digest('hex')
    return `sha256:${createHash('sha256').update(this.rows.digest('hex')).update(splits).digest('hex')}`
  }
}
