// workbench.json: what the app needs to take an exported bundle back as a run (the model's settings,
// labels and the names of its own weights inside the graph model's weights file).
import type { ModelFile } from '../model-folder'

/** Files every importable bundle has. */
export const bundleFiles = {
  model: 'model.json',
  tokenizer: 'tokenizer.json',
  labels: 'labels.json',
  preprocessing: 'preprocessing.json',
  meta: 'workbench.json',
  checks: 'checks.json',
  onnx: 'model.onnx',
  predict: 'predict.mjs',
  demo: 'index.html',
  card: 'MODEL_CARD.md',
  verification: 'verification.json',
  zip: 'model-bundle.zip',
  /** The classic baseline's fitted TF-IDF vectorizer (baseline bundles only). */
  vectorizer: 'vectorizer.json',
} as const

/** Contents of workbench.json. */
export interface BundleMeta {
  format: 'attention-workbench-bundle'
  version: 1
  appVersion: string
  createdAt: string
  run: { id: string | null; name: string | null }
  task: ModelFile['task']
  config: ModelFile['config']
  spec: ModelFile['spec']
  labels: string[]
  training: ModelFile['training']
  /** The model's own weights (engine names) among the graph's constants, in the model's order. */
  weights: { name: string; shape: number[] }[]
}
