// Stratified train/validation/test assignment with a seed. Each class is shuffled and cut by the
// ratios; a class big enough keeps at least one example in every split that has a ratio above 0.
import { UserError } from '../../shared/api'
import { Rng } from '../engine/rng'
import { splitCodes, type SplitSpec } from './types'

/** Check ratios (they must add up to 1) and return them normalised. */
export function checkSplitSpec(spec: SplitSpec): SplitSpec {
  const sum = spec.train + spec.validation + spec.test
  if (Math.abs(sum - 1) > 0.011) {
    throw new UserError(`The split ratios add up to ${Math.round(sum * 100)}%; train, validation and test must add up to 100%.`)
  }
  return { train: spec.train / sum, validation: spec.validation / sum, test: spec.test / sum, seed: spec.seed }
}

/** How many of a class of `n` go to validation and test. */
export function splitSizes(n: number, spec: SplitSpec): { train: number; validation: number; test: number } {
  let validation = spec.validation > 0 ? Math.round(n * spec.validation) : 0
  let test = spec.test > 0 ? Math.round(n * spec.test) : 0
  const wanted = (spec.validation > 0 ? 1 : 0) + (spec.test > 0 ? 1 : 0)
  if (n >= 1 + wanted) {
    if (spec.validation > 0) validation = Math.max(1, validation)
    if (spec.test > 0) test = Math.max(1, test)
  } else if (n === 2 && wanted > 0) {
    validation = spec.validation > 0 ? 1 : 0
    test = spec.validation > 0 ? 0 : 1
  } else if (n < 2) {
    validation = 0
    test = 0
  }
  // Training needs at least one example of the class: take it from the bigger of the other two.
  while (n - validation - test < 1 && validation + test > 0) {
    if (validation >= test) validation--
    else test--
  }
  return { train: n - validation - test, validation, test }
}

/**
 * Assign a split code (1 train, 2 validation, 3 test) to every row of `rows` (positions into
 * `groups`, which holds each row's class id; null labels can be any id, e.g. -1).
 */
export function stratifiedSplit(groups: ArrayLike<number>, spec: SplitSpec, rows?: number[]): Uint8Array {
  const out = new Uint8Array(groups.length)
  const byGroup = new Map<number, number[]>()
  const positions = rows ?? Array.from({ length: groups.length }, (_, i) => i)
  for (const p of positions) {
    const g = groups[p]
    let list = byGroup.get(g)
    if (!list) byGroup.set(g, (list = []))
    list.push(p)
  }
  const rng = new Rng(spec.seed)
  for (const g of [...byGroup.keys()].sort((a, b) => a - b)) {
    const list = rng.shuffle(byGroup.get(g)!)
    const sizes = splitSizes(list.length, spec)
    for (let i = 0; i < list.length; i++) {
      out[list[i]] = i < sizes.validation ? splitCodes.validation : i < sizes.validation + sizes.test ? splitCodes.test : splitCodes.train
    }
  }
  return out
}

/**
 * Final splits for an import: splits the file declared are kept; rows without one are split
 * stratified; if nothing ends up in validation, a stratified share of train becomes validation.
 */
export function resolveSplits(groups: ArrayLike<number>, declared: Uint8Array, spec: SplitSpec): { codes: Uint8Array; note: string } {
  const n = groups.length
  let anyDeclared = false
  for (let i = 0; i < n; i++) if (declared[i]) { anyDeclared = true; break }
  if (!anyDeclared) return { codes: stratifiedSplit(groups, spec), note: 'stratified' }
  const codes = new Uint8Array(declared)
  const undeclared: number[] = []
  for (let i = 0; i < n; i++) if (!declared[i]) undeclared.push(i)
  const notes = ['from the split column']
  if (undeclared.length) {
    const filled = stratifiedSplit(groups, spec, undeclared)
    for (const i of undeclared) codes[i] = filled[i]
    notes.push(`${undeclared.length} rows without a split value were split stratified`)
  }
  let hasValidation = false
  for (let i = 0; i < n; i++) if (codes[i] === splitCodes.validation) { hasValidation = true; break }
  if (!hasValidation) {
    const train: number[] = []
    for (let i = 0; i < n; i++) if (codes[i] === splitCodes.train) train.push(i)
    const share = spec.validation / (spec.train + spec.validation)
    const carved = stratifiedSplit(groups, { train: 1 - share, validation: share, test: 0, seed: spec.seed }, train)
    for (const i of train) codes[i] = carved[i]
    notes.push('no validation rows were given, so a stratified share of train became validation')
  }
  return { codes, note: notes.join('; ') }
}
