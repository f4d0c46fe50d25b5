// Turns a run's metric history into chart series: training loss per step, validation per epoch,
// learning rate and throughput, on a step or epoch axis, with optional smoothing.
import { computed, type Ref } from 'vue'
import type { MetricPoint, Run } from '../../../shared/domain'
import { smooth } from '../lib/smoothing'
import type { CurveSeries } from '../lib/curve-series'

/** Which x axis the charts use. */
export type CurveAxis = 'step' | 'epoch'

/** Steps per epoch, from the run's plan or, failing that, from the points themselves. */
export function stepsPerEpoch(run: Run | null | undefined, points: MetricPoint[]): number {
  const total = run?.progress?.totalSteps
  const epochs = run?.config?.train?.epochs
  if (total && epochs) return Math.max(1, total / epochs)
  const val = points.filter((p) => p.split === 'validation')
  if (val.length) return Math.max(1, val[0].step / Math.max(1, val[0].epoch || 1))
  return 1
}

/** Series for one run's live view. `labels` names the lines in the current language. */
export function useRunCurves(
  run: Ref<Run | null | undefined>,
  points: Ref<MetricPoint[]>,
  axis: Ref<CurveAxis>,
  smoothing: Ref<number>,
  labels: Ref<{ trainLoss: string; valLoss: string; valAcc: string; valF1: string; lr: string; throughput: string }>,
) {
  const x = (p: MetricPoint, spe: number) => (axis.value === 'step' ? p.step : Number((p.step / spe).toFixed(3)))
  // A number, so the many progress events that replace the run object do not redraw the charts
  // (a computed only notifies when its value changes).
  const speRef = computed(() => stepsPerEpoch(run.value, points.value))

  const loss = computed<CurveSeries[]>(() => {
    const pts = points.value
    const spe = speRef.value
    const train = pts.filter((p) => p.split === 'train')
    const val = pts.filter((p) => p.split === 'validation')
    const ys = smooth(train.map((p) => p.loss), smoothing.value)
    const out: CurveSeries[] = [{ name: labels.value.trainLoss, data: train.map((p, i) => [x(p, spe), ys[i]]), color: '#2b6fd6' }]
    if (smoothing.value > 0) out.push({ name: `${labels.value.trainLoss} (raw)`, data: train.map((p) => [x(p, spe), p.loss]), color: 'rgba(43,111,214,0.25)', noLegend: true })
    out.push({ name: labels.value.valLoss, data: val.map((p) => [x(p, spe), p.loss]), color: '#e07b14', symbols: true })
    return out
  })

  const quality = computed<CurveSeries[]>(() => {
    const pts = points.value
    const spe = speRef.value
    const val = pts.filter((p) => p.split === 'validation')
    return [
      { name: labels.value.valAcc, data: val.filter((p) => p.accuracy !== undefined).map((p) => [x(p, spe), p.accuracy!]), color: '#18a058', symbols: true },
      { name: labels.value.valF1, data: val.filter((p) => p.macroF1 !== undefined).map((p) => [x(p, spe), p.macroF1!]), color: '#7a5af8', symbols: true, dashed: true },
    ]
  })

  const lr = computed<CurveSeries[]>(() => {
    const pts = points.value
    const spe = speRef.value
    return [{ name: labels.value.lr, data: pts.filter((p) => p.split === 'train' && p.lr !== undefined).map((p) => [x(p, spe), p.lr!]), color: '#d03050' }]
  })

  const throughput = computed<CurveSeries[]>(() => {
    const pts = points.value
    const spe = speRef.value
    const train = pts.filter((p) => p.split === 'train' && p.tokensPerSec !== undefined)
    const ys = smooth(train.map((p) => p.tokensPerSec!), 0.6)
    return [{ name: labels.value.throughput, data: train.map((p, i) => [x(p, spe), ys[i]]), color: '#0e7a73' }]
  })

  return { loss, quality, lr, throughput }
}
