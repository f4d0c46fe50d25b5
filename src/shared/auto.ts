// The Auto preset as the API shows it: a time-boxed search over a few configurations whose
// leaderboard is ranked by validation macro-F1; only the winner's test score is reported.

/** Default time budget of an Auto search, in seconds. */
export const autoDefaultBudgetSeconds = 300

/** A row of an Auto leaderboard: a trial run, or the classic baseline. */
export interface AutoLeaderboardEntry {
  key: string
  /** Short description, e.g. "Balanced, learning rate x3". */
  label: string
  kind: 'model' | 'baseline'
  runId: string | null
  status: 'completed' | 'failed' | 'cancelled' | 'skipped'
  /** What the search compares: macro-F1 on the validation rows. */
  validationMacroF1: number | null
  seconds: number
  note?: string
}

/** The state of one Auto search. */
export interface AutoResult {
  autoId: string
  name: string
  datasetId: string
  /** interrupted: the app or terminal that drove it stopped (its finished trials remain). */
  status: 'running' | 'completed' | 'cancelled' | 'failed' | 'interrupted'
  /** When the search began (ISO time). */
  startedAt?: string
  budgetSeconds: number
  elapsedSeconds: number
  /** Best first by validation macro-F1. */
  leaderboard: AutoLeaderboardEntry[]
  /** The winner with its test score (the one number Auto reports), once the search has ended. */
  winner: (AutoLeaderboardEntry & { test: { accuracy: number; macroF1: number; rows: number; split: string; accuracyInterval?: { low: number; high: number; level: number } } | null }) | null
  /** The trial training now, if any. */
  currentRunId: string | null
  error: string | null
}
