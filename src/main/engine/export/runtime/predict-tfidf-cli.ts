// Entry of an exported classic baseline's predict.mjs: `node predict.mjs "some text"` prints the label
// and the probabilities. Needs only the bundle's files and @tensorflow/tfjs from npm; the TF-IDF
// vectorizer is compiled into this script, its fitted vocabulary and idf are read from vectorizer.json.
import * as tf from '@tensorflow/tfjs'
import type { TfLike } from './classifier'
import { loadTfidfClassifier, type TfidfBundleFiles } from './tfidf-classifier'
import { checkBundle, readJson, read, readStdin, runCli } from './cli-io'

const usage = `Usage: node predict.mjs [--json] "text" ["another text" ...]
       node predict.mjs --check        re-run the bundle's own check inputs and compare
With no text arguments, one text per line is read from standard input.`


async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')))
  if (flags.has('--help')) {
    process.stdout.write(usage + '\n')
    return 0
  }
  const model = readJson<TfidfBundleFiles['model']>('model.json')
  const files: TfidfBundleFiles = { model, weights: read(model.weightsManifest[0].paths[0]), vectorizer: readJson('vectorizer.json'), labels: readJson('labels.json') }
  tf.env().set('PROD', true)
  await tf.setBackend('cpu')
  const classifier = await loadTfidfClassifier(tf as unknown as TfLike, files)

  if (flags.has('--check')) return checkBundle((inputs) => classifier.classify(inputs))

  const texts = argv.filter((a) => !a.startsWith('--'))
  if (!texts.length) texts.push(...(await readStdin()))
  if (!texts.length) {
    process.stderr.write(usage + '\n')
    return 1
  }
  const results = await classifier.classify(texts)
  if (flags.has('--json')) {
    const docs = results.map((r, i) => ({ text: texts[i], label: r.label, probabilities: r.probabilities }))
    process.stdout.write(JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2) + '\n')
  } else {
    const width = Math.max(...files.labels.map((l) => l.length))
    for (const [i, r] of results.entries()) {
      if (texts.length > 1) process.stdout.write(`${texts[i]}\n`)
      process.stdout.write(`label: ${r.label}\n`)
      for (const l of files.labels) process.stdout.write(`  ${l.padEnd(width)}  ${r.probabilities[l].toFixed(6)}\n`)
    }
  }
  classifier.dispose()
  return 0
}

runCli(main)
