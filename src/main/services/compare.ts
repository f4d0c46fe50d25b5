// Comparison data for 2-4 runs: what differs in their configs, and which examples a run fixed or broke.
import type { PredictionDiffRow, RunComparison } from '../../shared/api'
import type { MetricPoint, Run } from '../../shared/domain'
import type { StoredPrediction } from '../store/runs-repo'

/** Readable names for config keys; anything missing is spelled out from its key. */
const labels: Record<string, string> = {
  task: 'Task',
  'model.arch': 'Model type',
  'model.dModel': 'Model width (dModel)',
  'model.nHeads': 'Attention heads',
  'model.nKvHeads': 'Key/value heads',
  'model.nLayers': 'Layers',
  'model.ffnDim': 'Feed-forward width',
  'model.seqLen': 'Sequence length',
  'model.dropout': 'Dropout',
  'model.attnDropout': 'Attention dropout',
  'model.attention': 'Attention type',
  'model.window': 'Attention window',
  'model.positional': 'Positions',
  'model.pooling': 'Pooling',
  'tokenizer.kind': 'Tokenizer',
  'tokenizer.vocabSize': 'Vocabulary size',
  'tokenizer.lowercase': 'Lower-case text',
  'tokenizer.normalize': 'Unicode normalisation',
  'train.epochs': 'Epochs',
  'train.batchSize': 'Batch size',
  'train.learningRate': 'Learning rate',
  'train.weightDecay': 'Weight decay',
  'train.warmupRatio': 'Warm-up share',
  'train.schedule': 'Learning-rate schedule',
  'train.gradClip': 'Gradient clipping',
  'train.labelSmoothing': 'Label smoothing',
  'train.classWeights': 'Class weights',
  'train.patience': 'Early-stopping patience',
  'train.keepBest': 'Epoch kept by',
  'train.seed': 'Random seed',
  'train.maxSteps': 'Step limit',
  'train.backend': 'Compute backend',
  'finetune.fromRunId': 'Fine-tuned from',
  'finetune.freezeEmbeddings': 'Freeze embeddings',
  'finetune.freezeLayers': 'Frozen layers',
  'finetune.lora.enabled': 'LoRA adapters',
  'finetune.lora.rank': 'LoRA rank',
  'finetune.lora.alpha': 'LoRA alpha',
  'finetune.bodyLrScale': 'Body learning-rate scale',
  'finetune.baseId': 'Base',
  'finetune.mode': 'Fine-tune mode',
  'finetune.probeFirst': 'Head fitted first',
  'finetune.lora.ffn': 'LoRA on feed-forward',
  'pretrain.maskRate': 'Masked share',
  'pretrain.textDir': 'Extra pretraining text',
}

/** A readable name for a dotted config key. */
export function configLabel(key: string): string {
  if (labels[key]) return labels[key]
  const words = key
    .split('.')
    .map((p) => p.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase())
    .join(' › ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** Flatten nested objects into dotted keys; arrays and scalars are leaves. */
export function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out)
  } else if (prefix) out[prefix] = value
  return out
}

/** Only the keys whose values differ between configs, in a stable order. */
export function configDiff(configs: unknown[]): RunComparison['configDiff'] {
  const flat = configs.map((c) => flatten(c))
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))]
  const diff: RunComparison['configDiff'] = []
  for (const key of keys) {
    const values = flat.map((f) => (key in f ? f[key] : null))
    const first = JSON.stringify(values[0])
    if (values.some((v) => JSON.stringify(v) !== first)) diff.push({ key, label: configLabel(key), values })
  }
  return diff
}

/** What `other` fixed, broke, or got wrong along with `base`, over the rows both predicted. */
export function predictionDiff(base: StoredPrediction[], other: StoredPrediction[]) {
  const byIndex = new Map(other.map((p) => [p.index, p]))
  const fixed: PredictionDiffRow[] = []
  const broken: PredictionDiffRow[] = []
  const bothWrong: PredictionDiffRow[] = []
  for (const b of base) {
    const o = byIndex.get(b.index)
    if (!o || o.label !== b.label) continue
    const row: PredictionDiffRow = { index: b.index, text: b.text || o.text, label: b.label, basePredicted: b.predicted, otherPredicted: o.predicted }
    const baseRight = b.predicted === b.label
    const otherRight = o.predicted === o.label
    if (!baseRight && otherRight) fixed.push(row)
    else if (baseRight && !otherRight) broken.push(row)
    else if (!baseRight && !otherRight) bothWrong.push(row)
  }
  return { fixed, broken, bothWrong }
}

/** Thin a long per-step series to about `max` points, keeping every validation point and the last step. */
export function thinSeries(points: MetricPoint[], max = 2000): MetricPoint[] {
  const train = points.filter((p) => p.split === 'train')
  if (train.length <= max) return points
  const stride = Math.ceil(train.length / max)
  const lastStep = train[train.length - 1].step
  let n = 0
  return points.filter((p) => p.split !== 'train' || n++ % stride === 0 || p.step === lastStep)
}

/**
 * The comparison of `runs` (the first is the base): config differences, thinned curves, metrics,
 * and which rows each other run fixed or broke where both scored the same dataset version.
 */
export function compareRuns(
  runs: Run[],
  read: { metrics(runId: string): MetricPoint[]; predictions(runId: string): StoredPrediction[] },
): RunComparison {
  const diffInput = runs.map((r) => ({ ...r.config, dataset: { version: r.datasetVersionId } }))
  const base = runs[0]
  const basePreds = read.predictions(base.id)
  return {
    runs,
    configDiff: configDiff(diffInput).map((d) => (d.key === 'dataset.version' ? { ...d, label: 'Dataset version' } : d)),
    series: runs.map((r) => ({ runId: r.id, points: thinSeries(read.metrics(r.id)) })),
    metrics: runs.map((r) => ({ runId: r.id, metrics: r.metrics })),
    predictionDiff: runs.slice(1).flatMap((other) => {
      if (!base.datasetVersionId || other.datasetVersionId !== base.datasetVersionId || !basePreds.length) return []
      const otherPreds = read.predictions(other.id)
      if (!otherPreds.length) return []
      return [{ baseRunId: base.id, otherRunId: other.id, ...predictionDiff(basePreds, otherPreds) }]
    }),
  }
}
