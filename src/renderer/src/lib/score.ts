// One wording for a run's numbers on every screen: which rows a score comes from, which epoch the
// run kept and why, and the validation figures only where they are labelled as such.
import type { KeepBestMetric, KeptEpoch, MetricPoint, RunMetrics } from '../../../shared/domain'

type T = (key: string, params?: Record<string, unknown>) => string

/** "Score on the 359 test rows, held out from training and from choosing the epoch." */
export function scoreCaption(t: T, m: Pick<RunMetrics, 'split' | 'rows'> | null | undefined, fmtCount: (n: number) => string = String): string {
  if (!m) return ''
  const n = m.rows !== undefined ? fmtCount(m.rows) : '?'
  if (m.split === 'test') return t('score.caption.test', { n })
  if (m.split === 'all') return t('score.caption.all', { n })
  return t('score.caption.validation', { n })
}

/** Short tag for a score's rows: "test" / "validation" / "all rows". */
export function scoreTag(t: T, m: Pick<RunMetrics, 'split'> | null | undefined): string {
  return t(`score.tag.${m?.split ?? 'validation'}`)
}

/** "Stopped early after epoch 5 of 8 and kept epoch 3, the one with the best validation macro-F1." */
export function keptText(t: T, k: KeptEpoch | null | undefined): string {
  if (!k) return ''
  const by = t(`score.by.${k.by}`)
  return k.stoppedEarly
    ? t('score.keptEarly', { run: k.epochsRun, epochs: k.epochs, epoch: k.epoch, by })
    : t('score.keptAll', { run: k.epochsRun, epoch: k.epoch, by })
}

/** The epoch a run keeps so far, by the same rule as the training loop (macro-F1, ties to lower loss; or loss). */
export function keptSoFar(points: MetricPoint[], by: KeepBestMetric): MetricPoint | null {
  let best: MetricPoint | null = null
  for (const p of points) {
    if (p.split !== 'validation') continue
    if (!best) best = p
    else if (by === 'loss' || p.macroF1 === undefined || best.macroF1 === undefined) {
      if (p.loss < best.loss) best = p
    } else if (Math.abs(p.macroF1 - best.macroF1) > 1e-9 ? p.macroF1 > best.macroF1 : p.loss < best.loss) best = p
  }
  return best
}
