// The Auto preset in the app: runs autoSearch with ordinary runs as trials (grouped under one run
// group, like a sweep), estimates from the runs service's plan, and keeps each search's state so the
// UI and the terminal can follow it. Selection sees validation figures only.
import { UserError, type WorkbenchHandlers } from '../../../shared/api'
import { autoDefaultBudgetSeconds, type AutoResult } from '../../../shared/auto'
import type { Base, Run } from '../../../shared/domain'
import type { RunService } from '../runs'
import { autoCandidates, autoSearch, type AutoCandidate, type TrialOutcome } from './auto-search'
import type { AutoStore } from './auto-store'

/** What the Auto service needs from the runs service. */
export type AutoRuns = Pick<RunService, 'plan' | 'startInGroup' | 'createGroup' | 'waitFor' | 'cancel' | 'get'>

/** The `auto` API plus a way to wait for a search (terminal, tests). */
export type AutoService = WorkbenchHandlers['auto'] & { waitFor(autoId: string): Promise<AutoResult> }

/** The validation figures of a finished trial (never its reported test score). */
export function trialOutcome(run: Run): TrialOutcome {
  const m = run.metrics
  const val = m?.validation?.macroF1 ?? (m && (m.split === undefined || m.split === 'validation') ? m.macroF1 : null)
  const status = run.status === 'completed' ? 'completed' : run.status === 'cancelled' ? 'cancelled' : 'failed'
  return {
    runId: run.id,
    status,
    validationMacroF1: status === 'completed' ? (val ?? null) : null,
    baselineValidationMacroF1: m?.baseline?.validation.macroF1 ?? null,
    baselineKind: m?.baseline?.kind ?? null,
    error: run.error,
  }
}

/** Bases Auto may fine-tune from (imported checkpoints, pretraining runs). */
export interface AutoBases {
  list(): Pick<Base, 'id' | 'name' | 'params'>[] | Promise<Pick<Base, 'id' | 'name' | 'params'>[]>
}

/** A fine-tune candidate from the smallest base there is (the one most likely to fit the time). */
async function baseCandidate(bases: AutoBases | undefined): Promise<AutoCandidate | null> {
  if (!bases) return null
  const list = [...(await bases.list())].sort((a, b) => a.params - b.params)
  const b = list[0]
  return b ? { key: 'base', label: `Fine-tune from ${b.name}`, preset: 'balanced', overrides: { finetune: { baseId: b.id } } } : null
}

/**
 * Build the Auto service over the runs service (and the bases, for a fine-tune candidate). With a
 * store, every change of a search's state is saved, and searches of earlier sessions can be read.
 */
export function createAutoService(runs: AutoRuns, bases?: AutoBases, clock: () => number = () => performance.now(), store?: AutoStore): AutoService {
  const searches = new Map<string, { state: AutoResult; controller: AbortController; done: Promise<AutoResult> }>()

  function mustGet(autoId: string) {
    const s = searches.get(autoId)
    if (!s) throw new UserError(`There is no Auto search with id "${autoId}" in this session.`, 'not_found')
    return s
  }

  /** This session's state, else the saved one (an earlier session's, or another process's). */
  function current(autoId: string): AutoResult {
    const live = searches.get(autoId)?.state ?? store?.read(autoId)
    if (!live) throw new UserError(`There is no Auto search with id "${autoId}".`, 'not_found')
    return live
  }

  /** Saving is best effort: a full disk must not stop a search that is training fine. */
  function save(state: AutoResult): void {
    try {
      store?.save(state)
    } catch {
      // the in-memory state still answers this session
    }
  }

  /** The reported test score of the winner, read only after the choice is made. */
  async function winnerTest(runId: string | null, kind: 'model' | 'baseline'): Promise<NonNullable<AutoResult['winner']>['test']> {
    if (!runId) return null
    const m = (await runs.get({ id: runId })).metrics
    if (!m) return null
    if (kind === 'baseline') {
      const b = m.baseline
      return b ? { accuracy: b.accuracy, macroF1: b.macroF1, rows: b.rows, split: b.split, ...(b.accuracyInterval ? { accuracyInterval: b.accuracyInterval } : {}) } : null
    }
    const rows = m.rows ?? m.confusion.flat().reduce((a: number, b: number) => a + b, 0)
    return { accuracy: m.accuracy, macroF1: m.macroF1, rows, split: m.split ?? 'validation', ...(m.accuracyInterval ? { accuracyInterval: m.accuracyInterval } : {}) }
  }

  return {
    start: async (input) => {
      const budgetSeconds = input.budgetSeconds ?? autoDefaultBudgetSeconds
      // Plan once up front: a bad dataset is refused now, in plain words, before anything runs.
      const first = await runs.plan({ datasetId: input.datasetId, preset: 'quick' })
      const shortTexts = first.config.tokenizer.kind === 'char'
      const name = input.name?.trim() || `Auto (${Math.round(budgetSeconds / 60)} min)`
      const autoId = runs.createGroup({ name, spec: { kind: 'auto', datasetId: input.datasetId, budgetSeconds }, metric: 'macroF1' })
      const controller = new AbortController()
      const state: AutoResult = { autoId, name, datasetId: input.datasetId, status: 'running', startedAt: new Date().toISOString(), budgetSeconds, elapsedSeconds: 0, leaderboard: [], winner: null, currentRunId: null, error: null }
      const began = clock()
      let n = 0
      const trial = async (c: AutoCandidate, epochs: number | null): Promise<TrialOutcome> => {
        const config = epochs ? { ...c.overrides, train: { ...(c.overrides.train ?? {}), epochs } } : c.overrides
        n++
        let run: Run
        try {
          run = runs.startInGroup({ datasetId: input.datasetId, preset: c.preset, config: config as Record<string, unknown>, name: `${name} #${n}: ${c.label}`, queue: true }, autoId)
        } catch (err) {
          // A candidate this dataset cannot take (a base with another vocabulary...) is a failed row, not a failed search.
          return { runId: null, status: 'failed', validationMacroF1: null, error: (err as Error).message }
        }
        state.currentRunId = run.id
        save(state)
        const onAbort = () => void Promise.resolve()
          .then(() => runs.cancel({ id: run.id }))
          .catch(() => {})
        controller.signal.addEventListener('abort', onAbort)
        try {
          return trialOutcome(await runs.waitFor(run.id))
        } finally {
          controller.signal.removeEventListener('abort', onAbort)
          state.currentRunId = null
          state.elapsedSeconds = (clock() - began) / 1000
          save(state)
        }
      }
      const estimate = async (c: AutoCandidate) => {
        try {
          const p = await runs.plan({ datasetId: input.datasetId, preset: c.preset, config: c.overrides as Record<string, unknown> })
          return p.estimatedSeconds === null ? null : { seconds: p.estimatedSeconds, epochs: p.config.train.epochs }
        } catch {
          return null
        }
      }
      const candidates = autoCandidates({ shortTexts, inputKind: first.inputKind })
      // Bases are text encoders: no fine-tune candidate for a table or images.
      const fromBase = (first.inputKind ?? 'text') === 'text' ? await baseCandidate(bases).catch(() => null) : null
      // Right after Quick and Balanced: a pretrained body is the likeliest gain on small data.
      if (fromBase) candidates.splice(2, 0, fromBase)
      const done = autoSearch(candidates, budgetSeconds, {
        now: clock,
        estimate: (c) => estimate(c),
        runTrial: trial,
        onUpdate: (board) => {
          state.leaderboard = board
          state.elapsedSeconds = (clock() - began) / 1000
          save(state)
        },
      }, controller.signal)
        .then(async (res) => {
          state.leaderboard = res.leaderboard
          state.elapsedSeconds = res.elapsedSeconds
          state.winner = res.winner ? { ...res.winner, test: await winnerTest(res.winner.runId, res.winner.kind) } : null
          state.status = res.stoppedBy === 'cancelled' ? 'cancelled' : 'completed'
          save(state)
          return state
        })
        .catch((err: unknown) => {
          state.status = 'failed'
          state.error = (err as Error).message || String(err)
          save(state)
          return state
        })
      searches.set(autoId, { state, controller, done })
      save(state)
      return state
    },
    get: ({ autoId }) => current(autoId),
    list: ({ datasetId }) => {
      // This session's searches as they are now, then saved ones not running here.
      const saved = store?.list(datasetId) ?? []
      const mine = [...searches.values()].map((s) => s.state).filter((s) => !datasetId || s.datasetId === datasetId)
      const all = [...mine, ...saved.filter((s) => !searches.has(s.autoId))]
      return all.sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''))
    },
    cancel: async ({ autoId }) => {
      // A search of an earlier session is not running: nothing to stop, its saved state answers.
      if (!searches.has(autoId)) return current(autoId)
      const s = mustGet(autoId)
      s.controller.abort()
      return s.done
    },
    waitFor: (autoId) => mustGet(autoId).done,
  }
}
