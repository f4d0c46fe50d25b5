// One-click fixes for the doctor's findings. A plan says which rows to keep and with which label;
// the service writes the result as a new dataset version, so nothing is ever lost.
import { UserError } from '../../shared/api'
import { conflictGroups, duplicatePositions, labelCounts, labelVariants, leakedPositions, majorityOf, tooFewExamples } from './doctor'
import type { RowFacts } from './row-facts'

/** Every fix id, in the order fixes are applied when several are chosen at once. */
export const fixOrder = [
  'normalize-labels',
  'drop-empty',
  'drop-unreadable',
  'drop-unlabeled',
  'conflicts-majority',
  'drop-conflicts',
  'dedupe-exact',
  'dedupe-near',
  'drop-leaked',
  'drop-rare-classes',
  'oversample',
] as const

/** A fix id. */
export type FixId = (typeof fixOrder)[number]

/** What applying fixes gives: per position, keep or not and the (maybe new) label. */
export interface FixPlan {
  keep: Uint8Array
  labels: (string | null)[]
  oversample: boolean
  /** One line per applied fix, for the version's note. */
  notes: string[]
  /** How many rows or labels the fixes touched; 0 means nothing to do. */
  changes: number
}

/** Plan `ids` over the facts; unknown ids are a user error naming the valid ones. */
export function planFixes(f: RowFacts, ids: string[], alreadyOversampled = false): FixPlan {
  const unknown = ids.filter((id) => !(fixOrder as readonly string[]).includes(id))
  if (unknown.length) throw new UserError(`Unknown fix ${unknown.map((u) => `"${u}"`).join(', ')}. Available fixes: ${fixOrder.join(', ')}.`)
  if (ids.includes('conflicts-majority') && ids.includes('drop-conflicts')) {
    throw new UserError('Choose one fix for conflicting labels: keep the most common label, or remove the rows.')
  }
  const keep = new Uint8Array(f.n).fill(1)
  const labels = f.labels.slice()
  const view: RowFacts = { ...f, labels }
  const notes: string[] = []
  let changes = 0
  let oversample = false
  const drop = (positions: Iterable<number>, what: string) => {
    let k = 0
    for (const p of positions) if (keep[p]) {
      keep[p] = 0
      k++
    }
    changes += k
    notes.push(`${what}: removed ${k} rows`)
  }
  for (const id of fixOrder) {
    if (!ids.includes(id)) continue
    switch (id) {
      case 'normalize-labels': {
        const map = new Map<string, string>()
        for (const v of labelVariants(labelCounts(view, keep))) for (const [l] of v.variants) if (l !== v.canonical) map.set(l, v.canonical)
        let k = 0
        for (let p = 0; p < f.n; p++) {
          const to = labels[p] !== null ? map.get(labels[p]!) : undefined
          if (to !== undefined) {
            labels[p] = to
            k++
          }
        }
        changes += k
        notes.push(`normalised labels: ${[...map].map(([a, b]) => `"${a}" -> "${b}"`).join(', ')}`)
        break
      }
      case 'drop-empty':
        drop(positionsWhere(f.n, (p) => f.empty[p] === 1), 'empty texts')
        break
      case 'drop-unreadable': // an image that cannot be read has an empty text in the doctor's facts (image-doctor.ts)
        drop(positionsWhere(f.n, (p) => f.empty[p] === 1), 'unreadable images')
        break
      case 'drop-unlabeled':
        drop(positionsWhere(f.n, (p) => labels[p] === null), 'unlabelled rows')
        break
      case 'conflicts-majority': {
        // Only texts with a clear majority are relabelled; a tie is left for the user to decide.
        let relabelled = 0
        let ties = 0
        const groups = conflictGroups(view, keep)
        for (const [k, v] of majorityOf(view, groups)) {
          if (v.tie) {
            ties++
            continue
          }
          for (const p of groups.get(k)!) if (labels[p] !== v.top) {
            labels[p] = v.top
            relabelled++
          }
        }
        changes += relabelled
        notes.push(`conflicting labels: ${relabelled} rows relabelled to the majority${ties ? `; ${ties} texts with a tie left as they were` : ''}`)
        break
      }
      case 'drop-conflicts':
        drop([...conflictGroups(view, keep).values()].flat(), 'conflicting labels')
        break
      case 'dedupe-exact':
        drop(duplicatePositions(view, 'exact', keep).dup, 'exact duplicates')
        break
      case 'dedupe-near': {
        // Exact duplicates are near-duplicates too: remove both kinds.
        drop([...duplicatePositions(view, 'exact', keep).dup, ...duplicatePositions(view, 'near', keep).dup], 'near-duplicates')
        break
      }
      case 'drop-leaked':
        drop(leakedPositions(view, keep), 'validation/test rows also in train')
        break
      case 'drop-rare-classes': {
        const counts = labelCounts(view, keep)
        const rare = new Set([...counts].filter(([, c]) => c < tooFewExamples).map(([l]) => l))
        drop(positionsWhere(f.n, (p) => labels[p] !== null && rare.has(labels[p]!)), `classes with fewer than ${tooFewExamples} examples (${[...rare].join(', ')})`)
        break
      }
      case 'oversample':
        if (!alreadyOversampled) {
          oversample = true
          changes++
          notes.push('oversample smaller classes in training')
        }
        break
    }
  }
  return { keep, labels, oversample, notes, changes }
}

function positionsWhere(n: number, test: (p: number) => boolean): number[] {
  const out: number[] = []
  for (let p = 0; p < n; p++) if (test(p)) out.push(p)
  return out
}
