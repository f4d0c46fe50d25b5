// Script of the bundle's index.html: a try-it box that classifies typed text with the bundled model,
// shows the probabilities and highlights the tokens by attention rollout. Works opened from disk:
// TensorFlow.js (tf.min.js) and the model (model-data.js) arrive as plain script tags, not fetches.
import { loadClassifier, type BundleClassifier } from './classifier'
import type { BundleFiles } from './types'
import { attentionView, wireImageInput } from './demo-image'
import { base64ToBytes, demoPage, el, type El } from './demo-dom'

interface ModelData {
  files: Omit<BundleFiles, 'weights'>
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
  let classifier: BundleClassifier
  try {
    const tf = page.tf
    // Plain JavaScript: the same float32 arithmetic as the app on every browser (WebGL may compute
    // in 16-bit floats on phones), and fast enough for one text at a time.
    await tf.setBackend('cpu')
    await tf.ready()
    classifier = await loadClassifier(tf, { ...data.files, weights: base64ToBytes(data.weights) })
  } catch (err) {
    status.textContent = `The model could not be loaded: ${(err as Error).message}`
    return
  }
  status.textContent = 'Ready. Type a text to classify it.'
  const table = data.files.preprocessing.table
  if (table) {
    // A table model: a form of its columns; the row goes to the classifier as the JSON of the cells.
    status.textContent = 'Ready. Fill in the columns (leave one empty for a missing value).'
    const cells: Record<string, string> = {}
    const fields = [...table.prep.numeric.map((c) => ({ name: c.name, hint: `a number (typical ${c.median})` })), ...table.prep.categorical.map((c) => ({ name: c.name, hint: c.values.slice(0, 4).join(', ') }))]
    const form = el('div', { id: 'columns' })
    for (const f of fields) {
      const field = el('input', { id: `col-${f.name}`, title: f.name })
      field.placeholder = f.hint
      field.dataset.column = f.name
      field.addEventListener('input', () => {
        cells[f.name] = field.value
        input.value = JSON.stringify(cells)
        input.dispatch?.()
      })
      form.append(el('label', { className: 'column' }, el('span', { className: 'name', textContent: f.name }), field))
    }
    input.before(form)
    input.style.cssText = 'display:none'
  }
  const image = data.files.preprocessing.image
  let picked: ReturnType<typeof wireImageInput> | null = null
  if (image) {
    status.textContent = `Ready. Pick an image: its centre square is resized to ${image.size} x ${image.size} pixels.`
    const doc = page.document as unknown as Parameters<typeof wireImageInput>[0]
    const file = byId('image') as unknown as Parameters<typeof wireImageInput>[2]
    picked = wireImageInput(doc, (f) => page.createImageBitmap(f), file, image, input, () => input.dispatch?.(), (m) => (status.textContent = m))
  }
  page.document.body.dataset.ready = 'true'

  let pending = 0
  const run = async () => {
    const text = input.value
    const ticket = ++pending
    if (!text.trim()) {
      result.replaceChildren()
      return
    }
    const [p] = await classifier.classify([text], { attention: true })
    if (ticket !== pending) return // a newer keystroke already asked
    const rows = data.files.labels
      .map((l) => ({ l, v: p.probabilities[l] }))
      .sort((a, b) => b.v - a.v)
      .map(({ l, v }) =>
        el('div', { className: 'bar' + (l === p.label ? ' top' : '') }, el('span', { className: 'name', textContent: l }), el('span', { className: 'track' }, el('span', { className: 'fill', style: `width:${(v * 100).toFixed(1)}%` })), el('span', { className: 'value', textContent: (v * 100).toFixed(1) + '%' })),
      )
    const max = Math.max(...(p.rollout ?? [1]))
    const tokens = (p.tokens ?? []).map((t, i) => {
      const a = p.rollout ? p.rollout[i] / max : 0
      return el('span', { className: 'token', textContent: t, title: `attention ${(p.rollout?.[i] ?? 0).toFixed(3)}`, style: `background: rgba(255, 140, 0, ${a.toFixed(3)})` })
    })
    const explained = image
      ? [el('h2', { textContent: 'Where the model looked (attention rollout over the patches)' }), attentionView(page.document as unknown as Parameters<typeof attentionView>[0], picked?.last() ?? null, image, p.rollout ?? []) as unknown as El]
      : [el('h2', { textContent: table ? 'Which columns the decision looked at (attention)' : 'What the model looked at (attention rollout)' }), el('p', { className: 'tokens' }, ...tokens)]
    result.replaceChildren(
      el('p', { className: 'label' }, 'Predicted: ', el('strong', { id: 'label', textContent: p.label })),
      el('div', { className: 'bars' }, ...rows),
      ...explained,
    )
    result.dataset.label = p.label
    result.dataset.probabilities = JSON.stringify(p.probabilities)
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const later = () => {
    clearTimeout(timer)
    timer = setTimeout(() => void run(), 120)
  }
  input.addEventListener('input', later)
  input.dispatch = later
  byId('classify').addEventListener('click', () => void run())
  if (input.value) void run()
}

void start()
