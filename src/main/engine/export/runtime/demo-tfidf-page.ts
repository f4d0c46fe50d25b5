// Script of an exported classic baseline's index.html: a try-it box that classifies typed text with the
// bundled vectorizer and weights and shows the probabilities. Works opened from disk: TensorFlow.js
// (tf.min.js) and the model (model-data.js) arrive as plain script tags, not fetches.
import { loadTfidfClassifier, type TfidfBundleFiles, type TfidfClassifier } from './tfidf-classifier'
import { base64ToBytes, demoPage, el } from './demo-dom'

interface ModelData {
  files: Omit<TfidfBundleFiles, 'weights'>
  /** The weights file, base64. */
  weights: string
  title: string
}

const page = demoPage<ModelData>()

async function start(): Promise<void> {
  const byId = (id: string) => page.document.getElementById(id)!
  const status = byId('status')
  const input = byId('text')
  const result = byId('result')
  const data = page.WORKBENCH_MODEL
  byId('title').textContent = data.title
  let classifier: TfidfClassifier
  try {
    await page.tf.setBackend('cpu')
    await page.tf.ready()
    classifier = await loadTfidfClassifier(page.tf, { ...data.files, weights: base64ToBytes(data.weights) })
  } catch (err) {
    status.textContent = `The model could not be loaded: ${(err as Error).message}`
    return
  }
  status.textContent = 'Ready. Type a text to classify it.'
  page.document.body.dataset.ready = 'true'

  let pending = 0
  const run = async () => {
    const text = input.value
    const ticket = ++pending
    if (!text.trim()) {
      result.replaceChildren()
      return
    }
    const [p] = await classifier.classify([text])
    if (ticket !== pending) return
    const known = classifier.vectorize(text).idx.length
    const rows = data.files.labels
      .map((l) => ({ l, v: p.probabilities[l] }))
      .sort((a, b) => b.v - a.v)
      .map(({ l, v }) =>
        el('div', { className: 'bar' + (l === p.label ? ' top' : '') }, el('span', { className: 'name', textContent: l }), el('span', { className: 'track' }, el('span', { className: 'fill', style: `width:${(v * 100).toFixed(1)}%` })), el('span', { className: 'value', textContent: (v * 100).toFixed(1) + '%' })),
      )
    result.replaceChildren(
      el('p', { className: 'label' }, 'Predicted: ', el('strong', { id: 'label', textContent: p.label })),
      el('div', { className: 'bars' }, ...rows),
      el('p', { className: 'facts', textContent: `${known} of the model's word and character patterns occur in this text.` }),
    )
    result.dataset.label = p.label
    result.dataset.probabilities = JSON.stringify(p.probabilities)
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  input.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(() => void run(), 120)
  })
  byId('classify').addEventListener('click', () => void run())
  if (input.value) void run()
}

void start()
