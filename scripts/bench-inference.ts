// Inference benchmark on a trained model folder: the latency of one try-it prediction (one text, with
// attention maps, the model already loaded: what a keystroke costs in the trainer) and the rows/s of
// predicting a file's lines (length-sorted batches, on 1 thread and on the default thread count).
//
//   npx tsx scripts/bench-inference.ts --model RUN_DIR/model --file TEXTS.txt [--json]
import { readFileSync } from 'node:fs'
import { initBackend, loadModel, predictTexts, useInferenceThreads } from '../src/main/engine'
import { resolveThreads, withThreads } from '../src/main/engine/parallel/threads'

const argv = process.argv.slice(2)
const opt = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : null)
const modelDir = opt('--model')
const file = opt('--file')
if (!modelDir || !file) throw new Error('usage: --model DIR --file TEXTS.txt [--json]')

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function main(): Promise<void> {
  const backend = await initBackend(['wasm'])
  const texts = readFileSync(file!, 'utf8').split('\n').filter((l) => l.trim())
  const m = await loadModel(modelDir!)
  const sample = texts.slice(0, 60)
  for (const t of sample.slice(0, 5)) await predictTexts(m, [t], { attention: true }) // warm-up
  const latencies: number[] = []
  for (const t of sample) {
    const t0 = performance.now()
    await predictTexts(m, [t], { attention: true })
    latencies.push(performance.now() - t0)
  }
  const rowsPerSec: Record<string, number> = {}
  for (const threads of [1, resolveThreads(0, backend.name)]) {
    if (threads > 1) await useInferenceThreads(m, texts.length, threads)
    await predictTexts(m, texts.slice(0, 600), { attention: false }) // warm-up
    const t0 = performance.now()
    await predictTexts(m, texts, { attention: false })
    rowsPerSec[threads] = Math.round(texts.length / ((performance.now() - t0) / 1000))
  }
  m.dispose()
  const result = { backend: withThreads(backend, resolveThreads(0, backend.name)).description, rows: texts.length, tryit_latency_ms_median: +median(latencies).toFixed(1), tryit_latency_ms_max: +Math.max(...latencies).toFixed(1), rows_per_s_by_threads: rowsPerSec }
  if (argv.includes('--json')) console.log(JSON.stringify(result))
  else console.log(`try-it latency median ${result.tryit_latency_ms_median} ms (max ${result.tryit_latency_ms_max} ms); ${texts.length} rows: ${Object.entries(rowsPerSec).map(([t, r]) => `${r} rows/s on ${t} thread(s)`).join(', ')}`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(2)
})
