// The classic baseline (TF-IDF + logistic regression) as bundle files: the fitted model read back from
// a run folder and checked, its vectorizer.json, its graph (features [B, F] x weights [F, C] + bias,
// softmax), and the bundle's files read back from disk for the export check. No TensorFlow.js here.
import { readFileSync } from 'node:fs'
import { UserError } from '../../../shared/api'
import { baselineKind, type BaselineModel } from '../baseline'
import { GraphBuilder } from './graph-ir'
import { bundleFiles } from './bundle-meta'
import { tfidfGraphNames, type TfidfBundleFiles, type VectorizerFile } from './runtime/tfidf-classifier'
import type { BundleChecks } from './runtime/types'
import type { TfjsGraphModelJson } from './tfjs-graph'

/** workbench.json of a baseline bundle (the importer tells it apart and says it does not take it back). */
export interface BaselineBundleMeta {
  format: 'attention-workbench-baseline-bundle'
  version: 1
  kind: typeof baselineKind
  appVersion: string
  createdAt: string
  run: { id: string | null; name: string | null }
  labels: string[]
  features: number
  C: number
}

/** A run's saved baseline (baseline.json), checked so a damaged file is refused in a sentence. */
export function readBaselineModel(path: string): BaselineModel {
  let m: BaselineModel
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as BaselineModel
  } catch {
    throw new UserError('The run\'s saved classic baseline (baseline.json) is damaged; train the run again to get a new one.')
  }
  const F = m?.tfidf?.vocab?.reduce((n, v) => n + v.length, 0)
  const ok =
    m?.kind === baselineKind &&
    Array.isArray(m.labels) &&
    m.labels.length >= 2 &&
    Array.isArray(m.tfidf?.idf) &&
    m.tfidf.idf.every((b, i) => b.length === m.tfidf.vocab[i].length) &&
    m.logistic?.nFeatures === F &&
    m.logistic.nClasses === m.labels.length &&
    m.logistic.weights?.length === F * m.labels.length + m.labels.length
  if (!ok) throw new UserError('The run\'s saved classic baseline (baseline.json) is damaged; train the run again to get a new one.')
  return m
}

/** The fitted vectorizer as it ships, its fixed behaviour written out beside vocabulary and idf. */
export function vectorizerFile(m: BaselineModel): VectorizerFile {
  return {
    format: 'attention-workbench-tfidf',
    version: 1,
    settings: {
      lowercase: true,
      wordTokens: 'runs of two or more letters, digits or underscores (Unicode), n-grams joined by one space',
      charNgrams: 'char_wb: n-grams inside each whitespace-separated word padded with one space on each side',
      tf: 'sublinear: 1 + ln(count)',
      idf: 'smooth: ln((1 + n) / (1 + df)) + 1',
      norm: 'l2 within each block, blocks side by side',
      unknownTerms: 'ignored',
    },
    options: m.tfidf.options,
    vocab: m.tfidf.vocab,
    idf: m.tfidf.idf,
  }
}

/** probabilities = softmax(features [B, F] . W [F, C] + b [C]). */
export function baselineGraph(m: BaselineModel): GraphBuilder {
  const { nFeatures: F, nClasses: C, weights } = m.logistic
  const g = new GraphBuilder()
  const x = g.input(tfidfGraphNames.features, [-1, F], 'float32') // [B, F]
  const w = g.weight('logreg/w', [F, C], Float32Array.from(weights.slice(0, F * C))) // [F, C]
  const b = g.weight('logreg/b', [C], Float32Array.from(weights.slice(F * C))) // [C]
  const logits = g.binary('logreg', 'add', g.matmul('logreg', x, w), b) // [B, C]
  g.output(tfidfGraphNames.probabilities, g.unary('logreg', 'softmax', logits)) // [B, C]
  return g
}

/** Deterministic check inputs made from the vocabulary's words (no user text ships in the bundle). */
export function baselineProbeTexts(m: BaselineModel): string[] {
  const words = m.tfidf.vocab.flatMap((terms, b) => (m.tfidf.options.blocks[b].analyzer === 'word' ? terms.filter((t) => !t.includes(' ')) : []))
  if (!words.length) return ['a', 'the text']
  let s = 12345
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0)
  return [1, 3, 8, 25].map((n) => Array.from({ length: n }, () => words[next() % words.length]).join(' '))
}

function json<T>(files: Map<string, Uint8Array>, name: string): T {
  const bytes = files.get(name)
  if (!bytes) throw new UserError(`The bundle is incomplete: ${name} is missing.`)
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T
  } catch {
    throw new UserError(`The bundle is damaged: ${name} is not valid JSON.`)
  }
}

/** A baseline bundle's files as its runtime reads them (from readBundleSource). */
export function parseBaselineBundle(files: Map<string, Uint8Array>): { runtime: TfidfBundleFiles; meta: BaselineBundleMeta; checks: BundleChecks } {
  const meta = json<BaselineBundleMeta>(files, bundleFiles.meta)
  if (meta?.format !== 'attention-workbench-baseline-bundle') throw new UserError('This is not a classic-baseline bundle exported by Attention Workbench.')
  const model = json<TfjsGraphModelJson>(files, bundleFiles.model)
  const weightsPath = model?.weightsManifest?.[0]?.paths?.[0]
  const weights = weightsPath ? files.get(weightsPath) : undefined
  if (!weights) throw new UserError('The bundle is incomplete: its weights file is missing.')
  const vectorizer = json<VectorizerFile>(files, bundleFiles.vectorizer)
  if (vectorizer?.format !== 'attention-workbench-tfidf') throw new UserError('The bundle is damaged: vectorizer.json is not a vectorizer saved by Attention Workbench.')
  const labels = json<string[]>(files, bundleFiles.labels)
  return { runtime: { model, weights, vectorizer, labels }, meta, checks: json<BundleChecks>(files, bundleFiles.checks) }
}
