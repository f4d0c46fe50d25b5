// MODEL_CARD.md of an exported classic baseline: what it is, how it scored beside the run's attention
// model on the same rows, how to use it, how to rebuild its input row, and what the check found.
import type { BaselineMetrics } from '../../../shared/domain'
import type { BaselineModel } from '../baseline'
import type { ExportVerification } from './verify'

const pct = (x: number) => `${(x * 100).toFixed(1)}%`

/** The card's Markdown. */
export function baselineCard(p: {
  model: BaselineModel
  facts: { runId?: string; runName?: string; appVersion?: string; metrics?: { accuracy?: number; macroF1?: number; split?: string; baseline?: BaselineMetrics } | null }
  verification: ExportVerification
  formats: string[]
  checkedOn: 'test' | 'validation'
}): string {
  const { model, facts, verification } = p
  const b = facts.metrics?.baseline
  const lines: string[] = []
  lines.push(`# ${facts.runName ?? 'Text classifier'}: classic baseline`, '')
  lines.push(
    `A text classifier exported from Attention Workbench${facts.appVersion ? ` ${facts.appVersion}` : ''}: TF-IDF over word 1-2-grams and character 2-4-grams (${model.logistic.nFeatures} features), then multinomial logistic regression (C = ${model.logistic.C}, chosen on the validation rows). It was trained beside the run${facts.runId ? ` \`${facts.runId}\`` : ''} on the same training rows.`,
    '',
  )
  lines.push(`It sorts a text into one of ${model.labels.length} classes: ${model.labels.map((l) => `\`${l}\``).join(', ')}.`, '')
  lines.push('## How well it does', '')
  if (b) {
    const ci = b.accuracyInterval ? ` (95% interval ${pct(b.accuracyInterval.low)}–${pct(b.accuracyInterval.high)})` : ''
    lines.push(`- Accuracy on the ${b.rows} ${b.split} rows: ${pct(b.accuracy)}${ci}; macro-F1 ${pct(b.macroF1)}.`)
    if (facts.metrics?.accuracy !== undefined) lines.push(`- The run's attention model on its reported rows: ${pct(facts.metrics.accuracy)} accuracy, macro-F1 ${pct(facts.metrics.macroF1 ?? 0)}.`)
    lines.push(`- Validation (what chose C): ${pct(b.validation.accuracy)} accuracy on ${b.validation.rows} rows.`, '')
  } else {
    lines.push('The run recorded no scores for its baseline.', '')
  }
  lines.push('## Use it', '')
  if (p.formats.includes('tfjs')) {
    lines.push('- Open `index.html` in a browser and type a text (works offline, nothing is sent anywhere).')
    lines.push('- In Node: `npm install @tensorflow/tfjs`, then `node predict.mjs "some text"` (add `--json` for JSON; `--check` re-runs the bundle\'s own check).')
  }
  if (p.formats.includes('onnx')) lines.push('- `model.onnx` takes the TF-IDF row as `features` (float32, [batch, features]) and returns `probabilities` in the order of `labels.json`.')
  lines.push('')
  lines.push('## Building the input row', '')
  lines.push('`vectorizer.json` holds the fitted vocabularies and idf per block exactly as trained; `predict.mjs` carries the vectorizer code. Per block:')
  lines.push('lowercase the text (first 4,000 characters); take word 1-2-grams (runs of two or more letters, digits or underscores) or character 2-4-grams inside each word padded with one space;')
  lines.push('count each known n-gram, weight it by (1 + ln count) x idf, divide by the block\'s l2 norm; put the blocks side by side. Unknown n-grams are ignored.', '')
  lines.push('## Verification', '')
  lines.push(`Each format was read back from disk and run on ${verification.rows} texts (generated check inputs and the run's ${p.checkedOn} rows); every label agreed with the app's and the largest probability difference was ${verification.maxProbDiff.toExponential(2)}.`, '')
  lines.push('## Limits', '')
  lines.push('It knows only the words and spellings of its training rows; texts on other topics or in other languages get unreliable answers. It reads word order only within two-word phrases.', '')
  return lines.join('\n')
}
