// The dataset doctor: finds what would make training fail or mislead, in plain language, with
// counts, example rows and the ids of one-click fixes (see fixes.ts).
import type { DoctorFinding } from '../../shared/api'
import type { RowFacts } from './row-facts'
import { labelKey } from './text-keys'
import { splitCodes } from './types'

/** A finding whose examples are still row positions (the caller looks the texts up). */
export type DraftFinding = Omit<DoctorFinding, 'examples'> & { examples: number[] }

/** What the doctor needs besides the rows. */
export interface DoctorOptions {
  seqLen: number
  /** The split came from the file's split column (leakage is then the file's doing). */
  splitFromColumn: boolean
  /** This version already oversamples minority classes when training. */
  oversampled: boolean
}

/** Below this many examples a class is blocking. */
export const tooFewExamples = 5
/** Below this many examples a class gets a warning. */
export const fewExamples = 20
/** Largest/smallest class ratio from which imbalance is called severe. */
export const severeImbalance = 10
const maxExamples = 5

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
const pct = (n: number, total: number) => `${total ? ((100 * n) / total).toFixed(n * 1000 < total ? 2 : 1) : '0'}%`

/** Label counts over labelled rows. */
export function labelCounts(f: RowFacts, keep?: Uint8Array): Map<string, number> {
  const counts = new Map<string, number>()
  for (let p = 0; p < f.n; p++) {
    if (keep && !keep[p]) continue
    const l = f.labels[p]
    if (l !== null) counts.set(l, (counts.get(l) ?? 0) + 1)
  }
  return counts
}

/** Label spellings grouped by their case/space-insensitive key, for groups that need normalising. */
export function labelVariants(counts: Map<string, number>): { key: string; canonical: string; variants: [string, number][] }[] {
  const groups = new Map<string, [string, number][]>()
  for (const [l, c] of counts) {
    const k = labelKey(l)
    let g = groups.get(k)
    if (!g) groups.set(k, (g = []))
    g.push([l, c])
  }
  const out = []
  for (const [key, variants] of groups) {
    variants.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    const canonical = variants[0][0].trim().replace(/\s+/g, ' ')
    if (variants.length > 1 || variants[0][0] !== canonical) out.push({ key, canonical, variants })
  }
  return out
}

/** Positions of rows whose exact text appears with more than one label. */
/** Per conflict group: whether its top labels tie, and how many rows carry a label other than the top one. */
export function majorityOf(f: RowFacts, groups: Map<number, number[]>): Map<number, { tie: boolean; top: string; minority: number }> {
  const out = new Map<number, { tie: boolean; top: string; minority: number }>()
  for (const [k, group] of groups) {
    const votes = new Map<string, number>()
    for (const p of group) votes.set(f.labels[p]!, (votes.get(f.labels[p]!) ?? 0) + 1)
    const ranked = [...votes].sort((a, b) => b[1] - a[1])
    out.set(k, { tie: ranked.length > 1 && ranked[0][1] === ranked[1][1], top: ranked[0][0], minority: group.length - ranked[0][1] })
  }
  return out
}

export function conflictGroups(f: RowFacts, keep?: Uint8Array): Map<number, number[]> {
  // Only texts seen twice get a list: a million unique texts cost one map entry each, no arrays.
  const first = new Map<number, number>()
  const repeated = new Map<number, number[]>()
  for (let p = 0; p < f.n; p++) {
    if ((keep && !keep[p]) || f.empty[p] || f.labels[p] === null) continue
    const h = f.exact[p]
    const q = first.get(h)
    if (q === undefined) {
      first.set(h, p)
      continue
    }
    let g = repeated.get(h)
    if (!g) repeated.set(h, (g = [q]))
    g.push(p)
  }
  const out = new Map<number, number[]>()
  for (const [k, g] of repeated) {
    const label = f.labels[g[0]]
    if (g.some((p) => f.labels[p] !== label)) out.set(k, g)
  }
  return out
}

/** Positions that repeat an earlier row: same exact (or near) text and the same label. */
export function duplicatePositions(f: RowFacts, kind: 'exact' | 'near', keep?: Uint8Array): { dup: number[]; firstOf: Map<number, number> } {
  const keys = kind === 'exact' ? f.exact : f.near
  // Most texts appear with one label: key by hash alone, and by hash + label only for the rest.
  const first = new Map<number, number>()
  const byLabel = new Map<string, number>()
  const exactDups = kind === 'near' ? new Set(duplicatePositions(f, 'exact', keep).dup) : null
  const dup: number[] = []
  const firstOf = new Map<number, number>()
  for (let p = 0; p < f.n; p++) {
    if ((keep && !keep[p]) || f.empty[p] || keys[p] === -1) continue
    const h = keys[p]
    let q = first.get(h)
    if (q === undefined) {
      first.set(h, p)
      continue
    }
    if (f.labels[q] !== f.labels[p]) {
      const k = `${h}\u0000${f.labels[p] ?? ''}`
      q = byLabel.get(k)
      if (q === undefined) {
        byLabel.set(k, p)
        continue
      }
    }
    // A near-duplicate that is also an exact duplicate is reported as exact only.
    if (exactDups?.has(p)) continue
    dup.push(p)
    firstOf.set(p, q)
  }
  return { dup, firstOf }
}

/** Validation/test positions whose text (exact or near) is also in train. */
export function leakedPositions(f: RowFacts, keep?: Uint8Array): number[] {
  const trainExact = new Set<number>()
  const trainNear = new Set<number>()
  for (let p = 0; p < f.n; p++) {
    if ((keep && !keep[p]) || f.empty[p] || f.split[p] !== splitCodes.train) continue
    trainExact.add(f.exact[p])
    if (f.near[p] !== -1) trainNear.add(f.near[p])
  }
  const out: number[] = []
  for (let p = 0; p < f.n; p++) {
    if ((keep && !keep[p]) || f.empty[p]) continue
    if (f.split[p] !== splitCodes.validation && f.split[p] !== splitCodes.test) continue
    if (trainExact.has(f.exact[p]) || (f.near[p] !== -1 && trainNear.has(f.near[p]))) out.push(p)
  }
  return out
}

/** Examine the rows and report every finding, most serious first. */
export function diagnose(f: RowFacts, o: DoctorOptions): DraftFinding[] {
  const findings: DraftFinding[] = []
  const n = f.n
  const take = (ps: number[]) => ps.slice(0, maxExamples)

  const empties: number[] = []
  for (let p = 0; p < n; p++) if (f.empty[p]) empties.push(p)
  if (empties.length) {
    findings.push({
      id: 'empty-texts',
      severity: empties.length === n ? 'blocking' : 'warning',
      title: 'Empty texts',
      detail: `${plural(empties.length, 'row')} (${pct(empties.length, n)}) have no text, or only spaces. They teach the model nothing.`,
      count: empties.length,
      examples: take(empties),
      params: { n: empties.length, percent: pct(empties.length, n) },
      fixes: empties.length < n ? [{ id: 'drop-empty', label: `Remove the ${plural(empties.length, 'empty row')}`, params: { n: empties.length } }] : [],
    })
  }

  const unlabeled: number[] = []
  for (let p = 0; p < n; p++) if (f.labels[p] === null) unlabeled.push(p)
  if (unlabeled.length === n) {
    findings.push({
      id: 'no-labels',
      severity: 'blocking',
      title: 'No labels',
      detail: 'No row has a label, so there is nothing to learn to predict. Choose the column that holds the labels when importing.',
      count: n,
      examples: take(unlabeled),
      params: { n },
      fixes: [],
    })
  } else if (unlabeled.length) {
    findings.push({
      id: 'missing-labels',
      severity: 'warning',
      title: 'Missing labels',
      detail: `${plural(unlabeled.length, 'row')} (${pct(unlabeled.length, n)}) have no label. They are left out of training and evaluation.`,
      count: unlabeled.length,
      examples: take(unlabeled),
      params: { n: unlabeled.length, percent: pct(unlabeled.length, n) },
      fixes: [{ id: 'drop-unlabeled', label: `Remove the ${plural(unlabeled.length, 'unlabelled row')}`, params: { n: unlabeled.length } }],
    })
  }

  const counts = labelCounts(f)
  const variants = labelVariants(counts)
  if (variants.length) {
    const odd = new Set(variants.flatMap((v) => v.variants.map(([l]) => l).filter((l) => l !== v.canonical)))
    const rows: number[] = []
    for (let p = 0; p < n; p++) if (f.labels[p] !== null && odd.has(f.labels[p]!)) rows.push(p)
    const shown = variants
      .slice(0, 4)
      .map((v) => v.variants.map(([l, c]) => `"${l}" (${c})`).join(' vs '))
      .join('; ')
    // The same lists without English words, for the translated sentences.
    const shownNeutral = variants
      .slice(0, 4)
      .map((v) => v.variants.map(([l, c]) => `"${l}" (${c})`).join(' / '))
      .join('; ')
    const merged = `${variants.slice(0, 3).map((v) => `"${v.canonical}"`).join(', ')}${variants.length > 3 ? ', ...' : ''}`
    findings.push({
      id: 'label-variants',
      severity: 'warning',
      title: 'Labels that differ only by case or spacing',
      detail: `These look like the same label written differently: ${shown}. The model would treat them as different classes.`,
      count: rows.length,
      examples: take(rows),
      params: { n: variants.length, rows: rows.length, variants: shownNeutral },
      fixes: [{ id: 'normalize-labels', label: `Merge them into ${merged}`, params: { n: variants.length, labels: merged } }],
    })
  }

  if (counts.size === 1) {
    const [only] = [...counts.keys()]
    findings.push({
      id: 'single-class',
      severity: 'blocking',
      title: 'Only one label',
      detail: `Every labelled row has the label "${only}". A classifier learns to tell labels apart, so it needs at least two different labels. Add examples of the other classes, or choose another label column.`,
      count: counts.get(only)!,
      examples: [],
      params: { label: only, n: counts.get(only)! },
      fixes: [],
    })
  }

  const conflicts = conflictGroups(f)
  if (conflicts.size) {
    const rows = [...conflicts.values()].flat().sort((a, b) => a - b)
    const votes = majorityOf(f, conflicts)
    // Ties (as many rows with one label as another) have no majority: shown first, left to the user.
    const tieGroups = [...conflicts.entries()].filter(([k]) => votes.get(k)!.tie).map(([, g]) => g)
    const relabel = [...votes.values()].reduce((a, v) => a + (v.tie ? 0 : v.minority), 0)
    const tieRows = tieGroups.reduce((a, g) => a + g.length, 0)
    const tieNote = tieGroups.length
      ? ` ${plural(tieGroups.length, 'text')} ${tieGroups.length === 1 ? 'has' : 'have'} a tie (as many rows with one label as with another), so no label is the most common; the first examples below are ties, and keeping the most common label leaves them for you to decide.`
      : ''
    const fixes: DoctorFinding['fixes'] = []
    if (relabel > 0) {
      fixes.push({ id: 'conflicts-majority', label: `Relabel ${plural(relabel, 'row')} to the most common label of their text`, params: { n: relabel, relabel, ties: tieGroups.length } })
    }
    fixes.push({ id: 'drop-conflicts', label: `Remove all ${plural(rows.length, 'conflicting row')}`, params: { n: rows.length } })
    findings.push({
      id: 'conflicting-labels',
      severity: 'warning',
      title: 'The same text with different labels',
      detail: `${plural(conflicts.size, 'text')} appear${conflicts.size === 1 ? 's' : ''} more than once with different labels (${plural(rows.length, 'row')} in all). The model cannot be right on both; one of the labels is probably a mistake.${tieNote}`,
      count: rows.length,
      examples: take([...tieGroups, ...[...conflicts.values()].filter((g) => !tieGroups.includes(g))].flatMap((g) => g.slice(0, 2))),
      params: { n: conflicts.size, rows: rows.length, ties: tieGroups.length, tieRows, ...(tieGroups.length ? { variant: 'ties' } : {}) },
      fixes,
    })
  }

  const exact = duplicatePositions(f, 'exact')
  if (exact.dup.length) {
    findings.push({
      id: 'exact-duplicates',
      severity: 'warning',
      title: 'Exact duplicates',
      detail: `${plural(exact.dup.length, 'row')} (${pct(exact.dup.length, n)}) repeat an earlier row word for word with the same label. Duplicates over-weight those texts and can leak between train and test.`,
      count: exact.dup.length,
      examples: take(exact.dup.flatMap((p) => [exact.firstOf.get(p)!, p])),
      params: { n: exact.dup.length, percent: pct(exact.dup.length, n) },
      fixes: [{ id: 'dedupe-exact', label: `Keep one copy, remove ${plural(exact.dup.length, 'duplicate')}`, params: { n: exact.dup.length } }],
    })
  }

  const near = duplicatePositions(f, 'near')
  if (near.dup.length) {
    findings.push({
      id: 'near-duplicates',
      severity: 'info',
      title: 'Near-duplicates',
      detail: `${plural(near.dup.length, 'row')} match an earlier row once case, punctuation, symbols and spacing are ignored.`,
      count: near.dup.length,
      examples: take(near.dup.flatMap((p) => [near.firstOf.get(p)!, p])),
      params: { n: near.dup.length },
      fixes: [{ id: 'dedupe-near', label: `Keep one of each, remove ${plural(near.dup.length, 'near-duplicate')}`, params: { n: near.dup.length } }],
    })
  }

  const leaked = leakedPositions(f)
  if (leaked.length) {
    findings.push({
      id: 'split-leakage',
      severity: 'warning',
      title: 'Train/test leakage',
      detail: `${plural(leaked.length, 'validation or test row')} also appear${leaked.length === 1 ? 's' : ''} in train (exactly or nearly)${o.splitFromColumn ? ', as the file\'s split column assigns them' : ''}. Scores on those rows would look better than the model really is.`,
      count: leaked.length,
      examples: take(leaked),
      // variant picks the translated sentence that says the file's split column caused it.
      params: { n: leaked.length, ...(o.splitFromColumn ? { variant: 'fromColumn' } : {}) },
      fixes: [{ id: 'drop-leaked', label: `Remove the ${plural(leaked.length, 'leaked row')} from validation/test`, params: { n: leaked.length } }],
    })
  }

  if (counts.size >= 2) {
    const tiny = [...counts].filter(([, c]) => c < tooFewExamples)
    const few = [...counts].filter(([, c]) => c >= tooFewExamples && c < fewExamples)
    const rowsOf = (labels: Set<string>) => {
      const out: number[] = []
      for (let p = 0; p < n && out.length < maxExamples; p++) if (f.labels[p] !== null && labels.has(f.labels[p]!)) out.push(p)
      return out
    }
    // Class lists without English words, for the translated sentences.
    const listed = (cs: [string, number][]) => cs.map(([l, c]) => `"${l}" (${c})`).join(', ')
    if (tiny.length) {
      findings.push({
        id: 'too-few-examples',
        severity: 'blocking',
        title: `Classes with fewer than ${tooFewExamples} examples`,
        detail: `${tiny.map(([l, c]) => `"${l}" has ${c}`).join(', ')}. That is too few to learn the class and to check it on held-out rows. Add examples, or remove these classes.`,
        count: tiny.reduce((s, [, c]) => s + c, 0),
        examples: rowsOf(new Set(tiny.map(([l]) => l))),
        params: { n: tiny.length, min: tooFewExamples, classes: listed(tiny), rows: tiny.reduce((s, [, c]) => s + c, 0) },
        fixes: [{ id: 'drop-rare-classes', label: `Remove ${plural(tiny.length, 'class', 'classes')} with fewer than ${tooFewExamples} examples`, params: { n: tiny.length, min: tooFewExamples } }],
      })
    }
    if (few.length) {
      findings.push({
        id: 'few-examples',
        severity: 'warning',
        title: `Classes with fewer than ${fewExamples} examples`,
        detail: `${few.map(([l, c]) => `"${l}" has ${c}`).join(', ')}. The model will likely do poorly on them, and their scores will be noisy. More examples help most.`,
        count: few.reduce((s, [, c]) => s + c, 0),
        examples: rowsOf(new Set(few.map(([l]) => l))),
        params: { n: few.length, min: fewExamples, classes: listed(few), rows: few.reduce((s, [, c]) => s + c, 0) },
        fixes: [],
      })
    }
    const sorted = [...counts].sort((a, b) => b[1] - a[1])
    const [maxL, maxC] = sorted[0]
    const [minL, minC] = sorted[sorted.length - 1]
    if (maxC / minC >= severeImbalance) {
      findings.push({
        id: 'imbalance',
        severity: o.oversampled ? 'info' : 'warning',
        title: 'Severe class imbalance',
        detail:
          `"${maxL}" has ${maxC.toLocaleString('en-US')} examples but "${minL}" only ${minC.toLocaleString('en-US')} (${Math.round(maxC / minC)} to 1). ` +
          (o.oversampled
            ? 'This version already repeats minority-class training rows when training (oversampling).'
            : 'A model can score well by mostly predicting the big class. Oversample the small classes, or set class weights to "balanced" in the training settings.'),
        count: minC,
        examples: [],
        params: { big: maxL, bigCount: maxC, small: minL, smallCount: minC, ratio: Math.round(maxC / minC), ...(o.oversampled ? { variant: 'oversampled' } : {}) },
        fixes: o.oversampled ? [] : [{ id: 'oversample', label: 'Oversample the smaller classes when training', params: {} }],
      })
    }
  }

  let over = 0
  const lens = Int32Array.from(f.tokens).sort()
  for (let p = 0; p < n; p++) if (f.tokens[p] > o.seqLen) over++
  if (over) {
    const p95 = lens[Math.min(n - 1, Math.floor(n * 0.95))]
    const longRows: number[] = []
    for (let p = 0; p < n && longRows.length < maxExamples; p++) if (f.tokens[p] > o.seqLen) longRows.push(p)
    findings.push({
      id: 'too-long',
      severity: over / n > 0.1 ? 'warning' : 'info',
      title: `Texts longer than the sequence length (${o.seqLen})`,
      detail: `${plural(over, 'text')} (${pct(over, n)}) have more than ${o.seqLen} words and will be cut off when training. 95% of texts have at most ${p95} words${p95 > o.seqLen ? `; a sequence length of ${p95} would cover them, at more memory and time` : ''}. See the length histogram. (Words are counted at spaces; each Chinese or Japanese character counts as one.)`,
      count: over,
      examples: longRows,
      params: { n: over, percent: pct(over, n), seqLen: o.seqLen, p95, ...(p95 > o.seqLen ? { variant: 'suggest' } : {}) },
      fixes: [],
    })
  }

  const order = { blocking: 0, warning: 1, info: 2 }
  return findings.sort((a, b) => order[a.severity] - order[b.severity])
}
