// MODEL_CARD.md: what the model is, what it was trained on, how well it does per class, how to use
// it, and where it should not be trusted. Written from the saved model and the run's recorded facts.
import type { RunMetrics } from '../../../shared/domain'
import { modelInfo } from '../../../shared/models'
import type { ModelFile } from '../model-folder'
import type { ExportVerification } from './verify'

/** Run facts the caller may pass for the card (all optional). */
export interface CardFacts {
  runId?: string
  runName?: string
  createdAt?: string
  finishedAt?: string | null
  backend?: string | null
  appVersion?: string
  metrics?: RunMetrics | null
  dataset?: { id?: string | null; name?: string | null; versionId?: string | null; contentHash?: string | null; rows?: number | null }
  splits?: { train?: number; validation?: number; test?: number }
  notes?: string
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

function describe(file: ModelFile, parameters: number): string {
  return modelInfo(file.spec.dims.arch).describe(file.spec.dims, parameters)
}

/** Writes the card's Markdown; `image` is the confusion-matrix picture's file name (or null). */
export function modelCard(p: { file: ModelFile; facts: CardFacts; parameters: number; verification: ExportVerification; formats: string[]; image: string | null; seqLen: number }): string {
  const { file, facts, verification } = p
  const cfg = file.config
  const metrics = facts.metrics ?? file.training.metrics
  const image = file.spec.dims.image
  const what = image ? 'image' : 'text'
  const title = facts.runName ?? (image ? 'Image classifier' : 'Text classifier')
  const lines: string[] = []
  lines.push(`# ${title}`, '')
  lines.push(`A${image ? 'n image' : ' text'} classifier exported from Attention Workbench${facts.appVersion ? ` ${facts.appVersion}` : ''}: ${describe(file, p.parameters)}`, '')
  lines.push(`It sorts a${image ? 'n image' : ' text'} into one of ${file.labels.length} classes: ${file.labels.map((l) => `\`${l}\``).join(', ')}.`, '')
  lines.push('## Training data', '')
  const ds = facts.dataset ?? {}
  lines.push(`- Dataset: ${ds.name ?? 'unnamed'}${ds.id ? ` (\`${ds.id}\`)` : ''}`)
  if (ds.versionId) lines.push(`- Dataset version: \`${ds.versionId}\`${ds.contentHash ? ` (content hash \`${ds.contentHash.slice(0, 16)}\`)` : ''}`)
  if (ds.rows) lines.push(`- Rows in the dataset version: ${ds.rows}`)
  if (facts.splits) lines.push(`- Rows used: ${facts.splits.train ?? 0} training, ${facts.splits.validation ?? 0} validation${facts.splits.test ? `, ${facts.splits.test} test` : ''}`)
  if (facts.runId) lines.push(`- Run: \`${facts.runId}\`${facts.finishedAt ? `, finished ${facts.finishedAt}` : ''}${facts.backend ? `, trained on the ${facts.backend} backend` : ''}`)
  if (cfg.finetune.fromRunId) lines.push(`- Fine-tuned from run \`${cfg.finetune.fromRunId}\``)
  lines.push('')
  lines.push('## Hyperparameters', '', '| setting | value |', '|---|---|')
  const rows: [string, unknown][] = [
    ['architecture', cfg.model.arch], ['dModel', cfg.model.dModel], ['nHeads', cfg.model.nHeads], ['nKvHeads', file.spec.dims.nKvHeads],
    ['nLayers', cfg.model.nLayers], ['ffnDim', file.spec.dims.ffnDim], ['seqLen (incl. [CLS])', cfg.model.seqLen], ['attention', cfg.model.attention],
    ['positions', cfg.model.positional], ['pooling', cfg.model.pooling], ['dropout / attention dropout', `${cfg.model.dropout} / ${cfg.model.attnDropout}`],
    ['tokenizer', `${cfg.tokenizer.kind}, vocabulary ${file.spec.dims.vocabSize} (asked ${cfg.tokenizer.vocabSize})`], ['lower-casing', cfg.tokenizer.lowercase], ['normalisation', cfg.tokenizer.normalize],
    ['epochs (best epoch)', `${cfg.train.epochs} (${file.training.bestEpoch}${file.training.stoppedEarly ? ', stopped early' : ''})`], ['batch size', cfg.train.batchSize],
    ['learning rate, schedule, warm-up', `${cfg.train.learningRate}, ${cfg.train.schedule}, ${cfg.train.warmupRatio}`], ['weight decay (AdamW)', cfg.train.weightDecay],
    ['gradient clipping', cfg.train.gradClip], ['label smoothing', cfg.train.labelSmoothing], ['class weights', cfg.train.classWeights], ['seed', cfg.train.seed],
  ]
  const textOnly = new Set(['seqLen (incl. [CLS])', 'tokenizer', 'lower-casing', 'normalisation'])
  const shown = image
    ? [['image', `${image.size} x ${image.size}, ${image.channels === 1 ? 'grey' : 'colour'}, ${image.patch} x ${image.patch} patches`] as [string, unknown], ['augmentation', JSON.stringify(cfg.image.augment)] as [string, unknown], ...rows.filter(([k]) => !textOnly.has(k))]
    : rows
  for (const [k, v] of shown) lines.push(`| ${k} | ${cell(String(v))} |`)
  lines.push('')
  lines.push('## Evaluation', '')
  if (metrics) {
    const rows = metrics.rows !== undefined ? `${metrics.rows} ` : ''
    const where = metrics.split === 'test' ? `the ${rows}test rows (held out from training and from choosing the epoch)` : metrics.split === 'all' ? `all ${rows}labelled rows` : `the ${rows}validation rows`
    lines.push(`On ${where}: accuracy **${pct(metrics.accuracy)}**, macro-F1 **${pct(metrics.macroF1)}**, weighted F1 ${pct(metrics.weightedF1)}, loss ${metrics.loss.toFixed(4)}.`, '')
    if (metrics.validation && metrics.kept && metrics.split !== 'validation') {
      lines.push(`The kept weights are those of epoch ${metrics.kept.epoch} (of ${metrics.kept.epochsRun} trained), chosen by validation ${metrics.kept.by === 'loss' ? 'loss' : 'macro-F1'}; on the ${metrics.validation.rows} validation rows that epoch scored accuracy ${pct(metrics.validation.accuracy)}, macro-F1 ${pct(metrics.validation.macroF1)}.`, '')
    }
    lines.push('| class | precision | recall | F1 | support |', '|---|---|---|---|---|')
    for (const l of metrics.labels) {
      const m = metrics.perClass[l]
      if (m) lines.push(`| ${cell(l)} | ${pct(m.precision)} | ${pct(m.recall)} | ${pct(m.f1)} | ${m.support} |`)
    }
    lines.push('')
    if (p.image) {
      lines.push(`![Confusion matrix: rows are the true class, columns the predicted class](${p.image})`, '')
      lines.push(`Confusion matrix: row = true class, column = predicted class; the numbers on the axes are the class indices ${metrics.labels.map((l, i) => `${i} = \`${l}\``).join(', ')}. Darker cells hold a larger share of their row.`, '')
    }
    lines.push('| true \\ predicted | ' + metrics.labels.map(cell).join(' | ') + ' |', '|---|' + metrics.labels.map(() => '---|').join(''))
    metrics.confusion.forEach((row, i) => lines.push(`| ${cell(metrics.labels[i])} | ${row.join(' | ')} |`))
    lines.push('')
  } else {
    lines.push('No evaluation was recorded for this model.', '')
  }
  lines.push('## Export check', '')
  lines.push(
    verification.ok
      ? `Before this bundle was written out, every exported format was re-run on ${verification.rows} inputs and compared with the app's own model: the same label everywhere and probabilities within 1e-4 (largest difference ${verification.maxProbDiff.toExponential(2)}).`
      : `The export check FAILED: ${Object.values(verification.formats).map((f) => f.message).filter(Boolean).join('; ')}.`,
    '',
  )
  lines.push('## How to use it', '')
  if (image) {
    lines.push(...imageUsage(image, p.formats), '')
  } else if (p.formats.includes('tfjs')) {
    lines.push('- **Terminal**: `npm install @tensorflow/tfjs`, then `node predict.mjs "some text"` (add `--json`, `--attention`; `--check` re-runs the stored check inputs).')
    lines.push('- **Browser**: open `index.html` (works from disk, offline) to try texts and see which tokens the model attended to.')
    lines.push('- **TensorFlow.js**: `tf.loadGraphModel` on `model.json` (a standard graph model; inputs `ids` int32 and `mask` float32, both [batch, length] with any length up to seqLen; outputs `probabilities` and one `attention_<layer>` [batch, heads, length, length] per layer).')
  }
  if (!image && p.formats.includes('onnx')) {
    lines.push('- **ONNX** (`model.onnx`, opset 17): inputs `ids` int64 and `mask` float32 [batch, length] (any length up to seqLen), output `probabilities`. Example with Python: `onnxruntime.InferenceSession("model.onnx").run(["probabilities"], {"ids": ids, "mask": mask})`.')
  }
  if (!image) lines.push(`- **Preprocessing** (in \`preprocessing.json\` and \`tokenizer.json\`): ${cfg.tokenizer.lowercase ? 'lower-case, ' : ''}Unicode ${cfg.tokenizer.normalize} normalisation, the ${cfg.tokenizer.kind} tokenizer, [CLS] (id 2) first, cut to ${p.seqLen} tokens; in a batch, shorter rows are padded with id 0 (mask 0) to the longest row (no need to pad to ${p.seqLen}). Labels are in \`labels.json\` in output order.`)
  lines.push('')
  lines.push('## Intended use and limits', '')
  lines.push(`- Intended for sorting ${what}s like the ones it was trained on, as a first pass or an aid whose outputs a person reviews. It has only seen the training dataset above; ${image ? 'images from another camera, setting or kind of subject' : 'texts from another domain, language or period'} may be classified poorly without any warning.`)
  if (image) lines.push(`- It sees only the centre square of an image, at ${image.size} x ${image.size} pixels: what lies outside the square or needs finer detail is invisible to it.`)
  else lines.push(`- Only the first ${p.seqLen - 1} tokens of a text are read; anything after that is ignored.`)
  lines.push('- The probabilities are the model\'s confidence, not guarantees: check the calibration before using them as thresholds, and measure again on data from where it will be used.')
  lines.push('- It repeats the labelling habits and biases of its training data, including mistakes in the labels. Do not use it alone for decisions about people (health, hiring, credit, legal or safety matters).')
  lines.push('- Attention highlighting shows where the model looked, which is not a full explanation of why it decided.')
  if (metrics) {
    const weak = metrics.labels.filter((l) => metrics.perClass[l] && metrics.perClass[l].f1 < metrics.macroF1 - 0.1)
    if (weak.length) lines.push(`- It is noticeably weaker on ${weak.map((l) => `\`${l}\``).join(', ')} (F1 well below its average).`)
    const small = metrics.labels.filter((l) => metrics.perClass[l] && metrics.perClass[l].support < 20)
    if (small.length) lines.push(`- Few ${metrics.split === 'test' ? 'test' : 'validation'} examples for ${small.map((l) => `\`${l}\``).join(', ')}: those figures are uncertain.`)
  }
  if (facts.notes) lines.push('', '## Notes', '', facts.notes)
  lines.push('')
  return lines.join('\n')
}

/** How to use an exported image model: predict.mjs (pixels, or files through sharp), the page, the graph and ONNX inputs, the prep. */
function imageUsage(im: { size: number; channels: 1 | 3; patch: number }, formats: string[]): string[] {
  const n = `${im.size} x ${im.size} x ${im.channels}`
  const out: string[] = []
  if (formats.includes('tfjs')) {
    out.push('- **Terminal**: `npm install @tensorflow/tfjs`, then `node predict.mjs pixels.json` or `node predict.mjs \'[...]\'` with the pixels as a JSON list; to pass PNG, JPEG, WebP or GIF files (`node predict.mjs photo.jpg`) also `npm install sharp`, which decodes them and crops and resizes them as the app did (add `--json`, `--attention`; `--check` re-runs the stored check inputs).')
    out.push('- **Browser**: open `index.html` (works from disk, offline), pick an image, and see the probabilities and where the model looked (attention rollout over the patches). The page resizes with the browser\'s canvas, which may differ slightly from the app\'s resizing.')
    out.push(`- **TensorFlow.js**: \`tf.loadGraphModel\` on \`model.json\`; input \`pixels\` float32 [batch, ${im.size * im.size * im.channels}]; outputs \`probabilities\` and one \`attention_<layer>\` [batch, heads, ${1 + (im.size / im.patch) ** 2}, ${1 + (im.size / im.patch) ** 2}] per layer ([CLS] first, then the patches row by row).`)
  }
  if (formats.includes('onnx')) out.push(`- **ONNX** (\`model.onnx\`, opset 17): input \`pixels\` float32 [batch, ${im.size * im.size * im.channels}], output \`probabilities\`.`)
  out.push(`- **Preprocessing** (in \`preprocessing.json\`): EXIF rotation applied, transparency laid on white, ${im.channels === 1 ? 'converted to grey, ' : 'sRGB, '}the centre square cropped and resized to ${im.size} x ${im.size}; the pixels (${n} values, 0..255, row by row, channels last) go in as they are: the model rescales them itself. Labels are in \`labels.json\` in output order.`)
  return out
}
