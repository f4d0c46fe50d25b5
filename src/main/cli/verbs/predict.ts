// Inference verbs: eval (metrics and every prediction) and predict (one text or a file of them).
// Long answers are written row by row as they are produced (--jsonl: one JSON document per row).
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { UserError, type RunEvaluation } from '../../../shared/api'
import type { Prediction } from '../../../shared/domain'
import { pct, scoreCaption } from '../format'
import { defineVerb, need } from '../verb'
import { parseTableRow } from '../../../shared/table-rows'
import { openTable } from '../../data/open-table'

type EvalRow = RunEvaluation['predictions'][number]

const evalVerb = defineVerb({
  words: ['eval'],
  usage: '--run ID [--dataset ID] [--jsonl]',
  summary: "Score a run on its test rows (or on another dataset's): metrics, then every prediction. --jsonl: one prediction per line, metrics on stderr.",
  options: { run: { type: 'string' }, dataset: { type: 'string' } },
  async run({ api, flags, out }) {
    const ev = await api.runs.evaluate({ id: need(flags.run, '--run ID'), datasetId: flags.dataset })
    const skipped = ev.unknownLabel ? ` (${ev.unknownLabel} rows with labels the model does not know left out)` : ''
    const summary = `${scoreCaption(ev)}: accuracy ${pct(ev.metrics.accuracy)}, macro-F1 ${pct(ev.metrics.macroF1)}${skipped}`
    if (out.mode === 'human') {
      await out.result(ev, () => summary)
      return 0
    }
    if (out.mode === 'jsonl') await out.note(summary)
    // Everything but the predictions first, then the predictions one by one.
    const { predictions, ...head } = ev
    const rows = out.rows<EvalRow>(() => '', { head, key: 'predictions' })
    for (const p of predictions) await rows.row(p)
    await rows.end()
    return 0
  },
})

/** Lines of `--file` per request to the model. */
const predictChunk = 1024

/** The texts of `--file`: one per non-empty line, read as they are needed. */
async function* linesOf(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8' })
  const opened = new Promise<void>((ok, fail) => {
    stream.once('open', () => ok())
    stream.once('error', (err: NodeJS.ErrnoException) =>
      fail(new UserError(err.code === 'ENOENT' ? `"${path}" does not exist.` : `Cannot read "${path}": ${err.message}`, err.code === 'ENOENT' ? 'not_found' : 'bad_input')),
    )
  })
  await opened
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) if (line.trim()) yield line
}

/** The rows of a CSV/XLSX (`--file` of a table run), each as its cells' JSON. */
async function* tableRowsOf(path: string): AsyncGenerator<string> {
  const { reader } = await openTable(path)
  try {
    for await (const r of reader.records) yield JSON.stringify(r.values)
  } finally {
    reader.close()
  }
}

const predict = defineVerb({
  words: ['predict'],
  usage: '--run ID (--text T | --row JSON | --image F | --file F) [--attention] [--jsonl]',
  summary: "Predict the label of a text, of a table row (--row '{\"col\":\"value\"}'), of an image (--image photo.jpg), or of each line of a file (a CSV/XLSX of rows for a table run), written as each is predicted.",
  options: { run: { type: 'string' }, text: { type: 'string' }, row: { type: 'string' }, image: { type: 'string' }, file: { type: 'string' }, attention: { type: 'boolean' } },
  async run({ api, flags, out }) {
    const id = need(flags.run, '--run ID')
    const attention = !!flags.attention
    if ([flags.text, flags.file, flags.row, flags.image].filter((x) => x !== undefined).length > 1) throw new UserError('Give one of --text, --row, --image or --file.')
    if (flags.image !== undefined) {
      // Sent as a small JPEG data URL (the model reads 64 px at most): the same call as a text.
      const { imageDataUrl } = await import('../../data/image-url')
      const p = { image: flags.image, ...(await api.runs.predict({ id, text: await imageDataUrl(flags.image), attention })) }
      await out.result(p, () => `${p.label}\t${p.image}`)
      return 0
    }
    if (flags.row !== undefined) {
      if (!parseTableRow(flags.row)) throw new UserError(`--row takes a table row as a JSON object of column -> value, e.g. '{"width": 1.5, "colour": "red"}'.`)
      flags.text = flags.row
    }
    if (flags.text !== undefined) {
      const p = { text: flags.text, ...(await api.runs.predict({ id, text: flags.text, attention })) }
      await out.result(p, () => `${p.label}\t${p.text}`)
      return 0
    }
    if (flags.file === undefined) throw new UserError('Give --text "..." or --file PATH.')
    const rows = out.rows<Prediction & { text: string }>((r) => `${r.label}\t${r.text}`)
    // Lines go to the model in chunks (the trainer batches each chunk by length); rows come out in file order.
    const started = performance.now()
    let count = 0
    let chunk: string[] = []
    const flush = async () => {
      if (!chunk.length) return
      const preds = await api.runs.predictMany({ id, texts: chunk, attention })
      for (let i = 0; i < chunk.length; i++) await rows.row({ text: chunk[i]!, ...preds[i]! })
      count += chunk.length
      chunk = []
    }
    const run = await api.runs.get({ id })
    const table = run.datasetId !== null && (await api.datasets.get({ id: run.datasetId }).catch(() => null))?.kind === 'table'
    for await (const text of table ? tableRowsOf(flags.file) : linesOf(flags.file)) {
      chunk.push(text)
      if (chunk.length >= predictChunk) await flush()
    }
    await flush()
    await rows.end()
    const seconds = (performance.now() - started) / 1000
    await out.note(`${count} rows in ${seconds.toFixed(1)} s (${Math.round(count / Math.max(seconds, 1e-3))} rows/s)`)
    return 0
  },
})

/** Inference verbs, in help order. */
export const predictVerbs = [evalVerb, predict]
