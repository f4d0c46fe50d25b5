// Reads the training curves the way an experienced person would and says, in plain words,
// when something looks wrong: overfitting, divergence, or a loss that does not move.
import type { MetricPoint } from '../../../shared/domain'

/** A warning about a run's curves; `kind` selects the i18n text. */
export interface CurveWarning {
  kind: 'diverging' | 'notFinite' | 'overfitting' | 'stuck'
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)
}

/** Inspect the points so far; returns an empty list when the curves look healthy. */
export function curveWarnings(points: MetricPoint[]): CurveWarning[] {
  const out: CurveWarning[] = []
  const train = points.filter((p) => p.split === 'train')
  const val = points.filter((p) => p.split === 'validation')

  if (train.some((p) => !Number.isFinite(p.loss))) {
    out.push({ kind: 'notFinite' })
    return out
  }

  // Divergence: the recent training loss is well above where it started and above its best.
  if (train.length >= 20) {
    const k = Math.max(5, Math.floor(train.length / 10))
    const first = mean(train.slice(0, k).map((p) => p.loss))
    const recent = mean(train.slice(-k).map((p) => p.loss))
    const best = Math.min(...train.map((p) => p.loss))
    if (recent > first * 1.5 && recent > best * 2) out.push({ kind: 'diverging' })
  }

  // Overfitting: validation loss rose for two epochs in a row past its best while training loss kept falling.
  if (val.length >= 3) {
    const losses = val.map((p) => p.loss)
    const bestIdx = losses.indexOf(Math.min(...losses))
    const last = losses.length - 1
    const rising = last - bestIdx >= 2 && losses[last] > losses[last - 1] && losses[last - 1] > losses[bestIdx]
    const trainAtBest = train.filter((p) => p.epoch <= val[bestIdx].epoch).map((p) => p.loss)
    const trainNow = train.slice(-Math.max(3, Math.floor(train.length / 10))).map((p) => p.loss)
    if (rising && trainAtBest.length && mean(trainNow) < mean(trainAtBest.slice(-trainNow.length))) {
      out.push({ kind: 'overfitting' })
    }
  }

  // Stuck: after a fair number of steps the loss has hardly moved from its start.
  if (train.length >= 40 && !out.some((w) => w.kind === 'diverging')) {
    const k = Math.floor(train.length / 4)
    const first = mean(train.slice(0, k).map((p) => p.loss))
    const recent = mean(train.slice(-k).map((p) => p.loss))
    if (first > 0 && Math.abs(first - recent) / first < 0.02) out.push({ kind: 'stuck' })
  }
  return out
}
