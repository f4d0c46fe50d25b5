// Entry of the bundle's predict.mjs: `node predict.mjs "some text"` prints the label and the
// probabilities. Needs only the bundle's files and @tensorflow/tfjs from npm; files are read with fs
// and handed to TensorFlow.js from memory (plain tfjs in Node has no file:// loader).
import * as tf from '@tensorflow/tfjs'
import { loadClassifier, type TfLike } from './classifier'
import { checkBundle, readJson, read, readStdin, runCli } from './cli-io'
import type { BundleFiles, Preprocessing } from './types'
import { imageArgument } from './image-file'

const usage = `Usage: node predict.mjs [--json] [--attention] "text" ["another text" ...]
       node predict.mjs --check        re-run the bundle's own check inputs and compare
With no text arguments, one text per line is read from standard input.
A table model takes each row as a JSON object of column -> value, e.g. '{"width": 1.5, "colour": "red"}'.
An image model takes image files (PNG, JPEG, WebP, GIF: decoded with sharp, \`npm install sharp\`), a .json file
of pixels, or the pixels themselves as a JSON list (see preprocessing.json: size, channels, centre crop then resize).`

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')))
  if (flags.has('--help')) {
    process.stdout.write(usage + '\n')
    return 0
  }
  const model = readJson<BundleFiles['model']>('model.json')
  const files: BundleFiles = {
    model,
    weights: read(model.weightsManifest[0].paths[0]),
    tokenizer: readJson('tokenizer.json'),
    preprocessing: readJson('preprocessing.json'),
    labels: readJson('labels.json'),
  }
  // Quiet (no "install tfjs-node" banner) and deterministic: the plain JavaScript backend.
  tf.env().set('PROD', true)
  await tf.setBackend('cpu')
  const classifier = await loadClassifier(tf as unknown as TfLike, files)

  if (flags.has('--check')) return checkBundle((inputs) => classifier.classify(inputs))

  const texts = argv.filter((a) => !a.startsWith('--'))
  if (!texts.length) texts.push(...(await readStdin()))
  if (!texts.length) {
    process.stderr.write(usage + '\n')
    return 1
  }
  const image = (files.preprocessing as Preprocessing).image
  const inputs = image ? await Promise.all(texts.map((t) => imageArgument(t, image))) : texts
  const results = await classifier.classify(inputs, { attention: flags.has('--attention') })
  if (flags.has('--json')) {
    const shown = (i: number) => (image && texts[i]!.trim().startsWith('[') ? 'pixels' : texts[i])
    const docs = results.map((r, i) => ({ [image ? 'image' : 'text']: shown(i), label: r.label, probabilities: r.probabilities, ...(r.rollout ? (image ? { rollout: r.rollout } : { tokens: r.tokens, rollout: r.rollout }) : {}) }))
    process.stdout.write(JSON.stringify(docs.length === 1 ? docs[0] : docs, null, 2) + '\n')
  } else {
    for (const [i, r] of results.entries()) {
      if (texts.length > 1) process.stdout.write(`${image && texts[i]!.trim().startsWith('[') ? `image ${i + 1}` : texts[i]}\n`)
      process.stdout.write(`label: ${r.label}\n`)
      const width = Math.max(...files.labels.map((l) => l.length))
      for (const l of files.labels) process.stdout.write(`  ${l.padEnd(width)}  ${r.probabilities[l].toFixed(6)}\n`)
      if (image && r.rollout) process.stdout.write(`attention (rollout over the ${image.size / image.patch} x ${image.size / image.patch} patches, row by row): ${r.rollout.map((v) => v.toFixed(3)).join(' ')}\n`)
      else if (r.tokens && r.rollout) process.stdout.write(`attention: ${r.tokens.map((t, j) => `${t}(${r.rollout![j].toFixed(3)})`).join(' ')}\n`)
    }
  }
  classifier.dispose()
  return 0
}

runCli(main)
