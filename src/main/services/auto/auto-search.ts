// The Auto preset's search: within a time budget, train a short list of sensible candidates one
// after another, compare them (and the classic baseline) by validation macro-F1 only, and name the
// winner. The test split never enters a choice: trials report validation figures to this loop, and
// the winner's test score is looked up once, after the choice is made.
import type { AutoLeaderboardEntry } from '../../../shared/auto'
import type { PresetName, RunConfigInput } from '../../../shared/config'

/** One configuration Auto may try: a preset (sized for the data by the runs service) plus changes. */
export interface AutoCandidate {
  key: string
  /** Short description for the leaderboard, e.g. "Balanced, learning rate x3". */
  label: string
  preset: PresetName
  overrides: RunConfigInput
}

/** What a finished trial tells the search: its validation score only. */
export interface TrialOutcome {
  runId: string | null
  status: 'completed' | 'failed' | 'cancelled'
  /** Validation macro-F1 of the kept epoch (null when the trial produced none). */
  validationMacroF1: number | null
  /** The classic baseline's validation macro-F1, when the trial trained one. */
  baselineValidationMacroF1?: number | null
  /** Which classic baseline that was ('tfidf-logreg' for texts, 'table-logreg' for tables, 'pixels-logreg' for images). */
  baselineKind?: string | null
  error?: string | null
}

/** A row of the leaderboard. */
export type LeaderboardEntry = AutoLeaderboardEntry

/** What the search needs from the app (a fake in tests). */
export interface AutoSearchDeps {
  /** Milliseconds on a monotonic clock. */
  now(): number
  /** Estimated training seconds of a candidate and the epochs it plans (null = unknown). */
  estimate(c: AutoCandidate): { seconds: number; epochs: number } | null | Promise<{ seconds: number; epochs: number } | null>
  /** Train one candidate to the end and report its validation figures. */
  runTrial(c: AutoCandidate, epochs: number | null): Promise<TrialOutcome>
  /** Called after each change to the leaderboard (for live display and persistence). */
  onUpdate?(board: LeaderboardEntry[]): void
}

/** The search's outcome: the leaderboard (best first) and the winner's key. */
export interface AutoSearchResult {
  leaderboard: LeaderboardEntry[]
  winner: LeaderboardEntry | null
  elapsedSeconds: number
  stoppedBy: 'done' | 'budget' | 'cancelled'
}

/** Fewest epochs a shortened trial may keep before it is skipped instead. */
const minEpochs = 2

/** The leaderboard key and label of a classic baseline, by its kind. */
export function baselineRow(kind: string | null | undefined): { key: string; label: string } {
  if (kind === 'table-logreg') return { key: 'baseline-table', label: 'Classic baseline (logistic regression on the columns)' }
  if (kind === 'pixels-logreg') return { key: 'baseline-pixels', label: 'Classic baseline (logistic regression on the pixels)' }
  return { key: 'baseline', label: 'Classic baseline (TF-IDF + logistic regression)' }
}

/** Best first by validation macro-F1; entries without a score last. */
export function rankLeaderboard(board: LeaderboardEntry[]): LeaderboardEntry[] {
  const score = (e: LeaderboardEntry) => (e.status === 'completed' && e.validationMacroF1 !== null ? e.validationMacroF1 : -1)
  return [...board].sort((a, b) => score(b) - score(a))
}

/**
 * Run candidates in order while the budget lasts. A candidate whose estimate does not fit the time
 * left is shortened (fewer epochs) or skipped, so the search overruns its budget by at most one
 * trial's estimation error.
 */
export async function autoSearch(candidates: AutoCandidate[], budgetSeconds: number, deps: AutoSearchDeps, signal?: AbortSignal): Promise<AutoSearchResult> {
  const start = deps.now()
  const elapsed = () => (deps.now() - start) / 1000
  const board: LeaderboardEntry[] = []
  let baseline: LeaderboardEntry | null = null
  let stoppedBy: AutoSearchResult['stoppedBy'] = 'done'
  const update = () => deps.onUpdate?.(rankLeaderboard(board))

  for (const c of candidates) {
    if (signal?.aborted) {
      stoppedBy = 'cancelled'
      break
    }
    const left = budgetSeconds - elapsed()
    if (left <= 0) {
      stoppedBy = 'budget'
      break
    }
    const est = await deps.estimate(c)
    let epochs: number | null = null
    if (est && est.seconds > left) {
      const perEpoch = est.seconds / Math.max(1, est.epochs)
      const fit = Math.floor(left / perEpoch)
      if (fit < minEpochs) {
        board.push({ key: c.key, label: c.label, kind: 'model', runId: null, status: 'skipped', validationMacroF1: null, seconds: 0, note: `needs about ${Math.round(est.seconds)} s; ${Math.round(left)} s left` })
        update()
        continue
      }
      epochs = fit
    }
    const t0 = deps.now()
    const out = await deps.runTrial(c, epochs)
    board.push({
      key: c.key,
      label: epochs ? `${c.label} (${epochs} epochs to fit the time)` : c.label,
      kind: 'model',
      runId: out.runId,
      status: out.status,
      validationMacroF1: out.validationMacroF1,
      seconds: (deps.now() - t0) / 1000,
      ...(out.error ? { note: out.error } : {}),
    })
    // The baseline trains beside the first trial that completes; it is the same for every trial.
    if (!baseline && out.baselineValidationMacroF1 !== undefined && out.baselineValidationMacroF1 !== null) {
      const { key, label } = baselineRow(out.baselineKind)
      baseline = { key, label, kind: 'baseline', runId: out.runId, status: 'completed', validationMacroF1: out.baselineValidationMacroF1, seconds: 0 }
      board.push(baseline)
    }
    update()
    if (out.status === 'cancelled' || signal?.aborted) {
      stoppedBy = 'cancelled'
      break
    }
  }
  const leaderboard = rankLeaderboard(board)
  const top = leaderboard[0]
  const winner = top && top.status === 'completed' && top.validationMacroF1 !== null ? top : null
  return { leaderboard, winner, elapsedSeconds: elapsed(), stoppedBy }
}

/**
 * The candidates Auto tries, in order: cheap and likely first, variations after. Tokenizer variations
 * only for texts (a table's columns and an image's patches have no tokenizer).
 */
export function autoCandidates(opts: { shortTexts: boolean; inputKind?: 'text' | 'table' | 'image' }): AutoCandidate[] {
  const list: AutoCandidate[] = [
    { key: 'quick', label: 'Quick', preset: 'quick', overrides: {} },
    { key: 'balanced', label: 'Balanced', preset: 'balanced', overrides: {} },
    { key: 'balanced-lr3', label: 'Balanced, learning rate x3', preset: 'balanced', overrides: { train: { learningRate: 3e-3 } } },
  ]
  if ((opts.inputKind ?? 'text') === 'text' && !opts.shortTexts) list.push({ key: 'balanced-word', label: 'Balanced, whole-word tokenizer', preset: 'balanced', overrides: { tokenizer: { kind: 'word' } } })
  list.push(
    { key: 'balanced-lr03', label: 'Balanced, learning rate x0.3', preset: 'balanced', overrides: { train: { learningRate: 3e-4 } } },
    { key: 'thorough', label: 'Thorough', preset: 'thorough', overrides: {} },
  )
  return list
}
