import { describe, expect, it } from 'vitest'
import { autoCandidates, autoSearch, type AutoCandidate, type TrialOutcome } from '../../../../src/main/services/auto/auto-search'
import { trialOutcome } from '../../../../src/main/services/auto/auto-service'
import type { Run, RunMetrics } from '../../../../src/shared/domain'

/** A clock the fake trials advance: each trial "takes" its seconds. */
function fakeClock() {
  let t = 0
  return { now: () => t, advance: (s: number) => (t += s * 1000) }
}

const cands: AutoCandidate[] = ['a', 'b', 'c', 'd', 'e'].map((k) => ({ key: k, label: k.toUpperCase(), preset: 'balanced', overrides: {} }))

describe('autoSearch', () => {
  it('stops starting trials when the budget is spent: total time stays within budget plus one trial', async () => {
    const clock = fakeClock()
    const trialSeconds = 70
    const started: string[] = []
    const res = await autoSearch(cands, 200, {
      now: clock.now,
      estimate: () => null, // nothing known: only the elapsed time can stop it
      runTrial: async (c) => {
        started.push(c.key)
        clock.advance(trialSeconds)
        return { runId: c.key, status: 'completed', validationMacroF1: 0.5 }
      },
    })
    expect(started).toEqual(['a', 'b', 'c'])
    expect(res.stoppedBy).toBe('budget')
    expect(res.elapsedSeconds).toBeLessThanOrEqual(200 + trialSeconds)
    expect(res.elapsedSeconds).toBeGreaterThan(200)
  })

  it('shortens a trial that would not fit and skips one that cannot fit two epochs', async () => {
    const clock = fakeClock()
    const asked: (number | null)[] = []
    const res = await autoSearch(cands.slice(0, 3), 100, {
      now: clock.now,
      // a: 40 s (fits), b: 10 epochs x 10 s (60 s left -> 6 epochs), c: 10 epochs x 10 s with 0 left.
      estimate: (c) => (c.key === 'a' ? { seconds: 40, epochs: 4 } : { seconds: 100, epochs: 10 }),
      runTrial: async (c, epochs) => {
        asked.push(epochs)
        clock.advance(c.key === 'a' ? 40 : (epochs ?? 10) * 10 - 5)
        return { runId: c.key, status: 'completed', validationMacroF1: 0.6 }
      },
    })
    expect(asked).toEqual([null, 6])
    expect(res.leaderboard.find((e) => e.key === 'c')!.status).toBe('skipped')
    expect(res.elapsedSeconds).toBeLessThanOrEqual(100)
  })

  it('names the best trial by validation macro-F1, and the classic baseline when it wins', async () => {
    const clock = fakeClock()
    const scores: Record<string, number> = { a: 0.61, b: 0.74, c: 0.69 }
    const run = (baseline: number) =>
      autoSearch(cands.slice(0, 3), 1000, {
        now: clock.now,
        estimate: () => ({ seconds: 10, epochs: 5 }),
        runTrial: async (c): Promise<TrialOutcome> => {
          clock.advance(10)
          return { runId: `run-${c.key}`, status: 'completed', validationMacroF1: scores[c.key], baselineValidationMacroF1: baseline }
        },
      })
    const res = await run(0.7)
    expect(res.winner).toMatchObject({ key: 'b', runId: 'run-b', validationMacroF1: 0.74 })
    expect(res.leaderboard.map((e) => e.key)).toEqual(['b', 'baseline', 'c', 'a'])
    const classic = await run(0.8)
    expect(classic.winner).toMatchObject({ key: 'baseline', kind: 'baseline', runId: 'run-a' })
  })

  it("names a table's classic baseline for what it is", async () => {
    const clock = fakeClock()
    const res = await autoSearch(cands.slice(0, 1), 1000, {
      now: clock.now,
      estimate: () => ({ seconds: 10, epochs: 5 }),
      runTrial: async (c): Promise<TrialOutcome> => {
        clock.advance(10)
        return { runId: `run-${c.key}`, status: 'completed', validationMacroF1: 0.5, baselineValidationMacroF1: 0.9, baselineKind: 'table-logreg' }
      },
    })
    expect(res.winner).toMatchObject({ key: 'baseline-table', kind: 'baseline', label: 'Classic baseline (logistic regression on the columns)' })
  })

  it('ignores failed trials and stops at once when cancelled', async () => {
    const clock = fakeClock()
    const controller = new AbortController()
    const res = await autoSearch(cands, 1000, {
      now: clock.now,
      estimate: () => null,
      runTrial: async (c) => {
        clock.advance(5)
        if (c.key === 'a') return { runId: 'ra', status: 'failed', validationMacroF1: null, error: 'out of memory' }
        controller.abort()
        return { runId: 'rb', status: 'cancelled', validationMacroF1: null }
      },
    }, controller.signal)
    expect(res.stoppedBy).toBe('cancelled')
    expect(res.winner).toBeNull()
    expect(res.leaderboard).toHaveLength(2)
  })

  it('offers letters-first candidates for short texts and a word tokenizer otherwise', () => {
    expect(autoCandidates({ shortTexts: true }).some((c) => c.overrides.tokenizer?.kind === 'word')).toBe(false)
    expect(autoCandidates({ shortTexts: false }).some((c) => c.overrides.tokenizer?.kind === 'word')).toBe(true)
    expect(autoCandidates({ shortTexts: false })[0].preset).toBe('quick')
  })

  it('tries no tokenizer on images or tables, and names the pixel baseline as such', async () => {
    for (const inputKind of ['image', 'table'] as const) {
      const list = autoCandidates({ shortTexts: false, inputKind })
      expect(list.map((c) => c.key)).toEqual(['quick', 'balanced', 'balanced-lr3', 'balanced-lr03', 'thorough'])
      expect(list.some((c) => c.overrides.tokenizer)).toBe(false)
    }
    const clock = fakeClock()
    const res = await autoSearch(cands.slice(0, 1), 1000, {
      now: clock.now,
      estimate: () => null,
      runTrial: async (c): Promise<TrialOutcome> => ({ runId: `run-${c.key}`, status: 'completed', validationMacroF1: 0.5, baselineValidationMacroF1: 0.8, baselineKind: 'pixels-logreg' }),
    })
    expect(res.leaderboard.find((r) => r.kind === 'baseline')).toMatchObject({ key: 'baseline-pixels', label: 'Classic baseline (logistic regression on the pixels)', validationMacroF1: 0.8 })
  })
})

describe('selection never sees the test split', () => {
  const metrics = (over: Partial<RunMetrics>): RunMetrics => ({
    accuracy: 0,
    macroF1: 0,
    weightedF1: 0,
    loss: 1,
    perClass: {},
    confusion: [],
    labels: ['a', 'b'],
    ...over,
  })
  const run = (id: string, m: RunMetrics): Run =>
    ({ id, status: 'completed', metrics: m, error: null }) as unknown as Run

  it('reads the validation figure of a test-scored run, not its reported test score', async () => {
    // Run x is better on test, run y on validation: Auto must pick y.
    const x = run('x', metrics({ split: 'test', macroF1: 0.95, accuracy: 0.95, validation: { accuracy: 0.6, macroF1: 0.6, loss: 1, rows: 50 } }))
    const y = run('y', metrics({ split: 'test', macroF1: 0.55, accuracy: 0.55, validation: { accuracy: 0.8, macroF1: 0.8, loss: 1, rows: 50 } }))
    expect(trialOutcome(x).validationMacroF1).toBe(0.6)
    const byKey: Record<string, Run> = { x, y }
    const clock = fakeClock()
    const res = await autoSearch(
      [
        { key: 'x', label: 'X', preset: 'quick', overrides: {} },
        { key: 'y', label: 'Y', preset: 'quick', overrides: {} },
      ],
      100,
      { now: clock.now, estimate: () => null, runTrial: async (c) => trialOutcome(byKey[c.key]) },
    )
    expect(res.winner!.key).toBe('y')
  })

  it('has no score at all for a run that reports only a test figure', () => {
    const testOnly = run('t', metrics({ split: 'test', macroF1: 0.99 }))
    expect(trialOutcome(testOnly).validationMacroF1).toBeNull()
  })

  it('uses the baseline validation figure, not its test figure', () => {
    const r = run('b', metrics({ split: 'validation', macroF1: 0.7, baseline: { kind: 'tfidf-logreg', accuracy: 0.99, macroF1: 0.99, split: 'test', rows: 20, validation: { accuracy: 0.5, macroF1: 0.5, rows: 20 }, seconds: 1, features: 10, C: 1 } }))
    expect(trialOutcome(r).baselineValidationMacroF1).toBe(0.5)
  })
})
