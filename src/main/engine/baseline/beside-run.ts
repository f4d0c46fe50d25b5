// Trains the classic baseline at the end of a classification job, in the trainer process, and
// keeps its model in the run folder (`baseline.json`) so it can be exported when it wins.
import { join } from 'node:path'
import type { BaselineMetrics } from '../../../shared/domain'
import type { JobData } from '../../../shared/trainer-protocol'
import { writeFileAtomic } from '../tensor-file'
import type { TrainCallbacks } from '../training/loop'
import { trainBaseline } from './index'

/** File name of the saved baseline inside a run folder. */
export const baselineFile = 'baseline.json'

/** Train, save and report the baseline; a failure is logged, never fails the run. */
export function trainBaselineBeside(data: JobData, runDir: string, cb: Pick<TrainCallbacks, 'onLog'>): BaselineMetrics | undefined {
  try {
    const { model, metrics } = trainBaseline(data)
    // Atomic: a crash mid-write leaves no half file that an export would later refuse.
    writeFileAtomic(join(runDir, baselineFile), JSON.stringify(model))
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`
    cb.onLog('info', `Classic baseline (TF-IDF + logistic regression): ${pct(metrics.accuracy)} accuracy on the ${metrics.split} rows, trained in ${metrics.seconds.toFixed(1)} s.`)
    return metrics
  } catch (err) {
    cb.onLog('warn', `The classic baseline could not be trained: ${(err as Error).message}`)
    return undefined
  }
}
