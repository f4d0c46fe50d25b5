// Short, sortable, collision-resistant ids for rows and folders.
import { randomBytes } from 'node:crypto'

/** A new id with a readable prefix, e.g. `run_lq3x9a2b_4f1c9e`. Sorts by creation time. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${randomBytes(4).toString('hex')}`
}
