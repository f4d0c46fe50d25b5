// Imports every fixture base (tests/fixtures/bases) and prints the import time (median of 5) and the
// largest difference of the last hidden states from the float64 PyTorch reference, per family. With a
// checkpoint folder as argument it also times that import (median of 3), loading it, encoding a
// 64-token text, and the process's peak memory.
//   npx tsx scripts/bench-base-import.ts [CHECKPOINT_DIR]
//   (a MiniLM-sized one: /usr/bin/python3 scripts/make-base-fixtures.py --minilm /tmp/minilm)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initBackend } from '../src/main/engine/backend'
import { encodeText, hiddenStates, loadBase } from '../src/main/engine/bases/base-model'
import { planImport, writeBase } from '../src/main/engine/bases/import-base'

const root = join(import.meta.dirname, '..', 'tests', 'fixtures', 'bases')
const work = mkdtempSync(join(tmpdir(), 'bench-bases-'))
const backend = await initBackend()
process.stdout.write(`backend ${backend.name}\n`)
try {
  for (const name of ['bert-tiny', 'roberta-tiny', 'xlmr-tiny', 'electra-tiny', 'distilbert-tiny', 'gpt2-tiny']) {
    const times: number[] = []
    let out = ''
    for (let i = 0; i < 5; i++) {
      out = join(work, `${name}-${i}`)
      const t0 = performance.now()
      await writeBase(planImport(join(root, name)), out)
      times.push(performance.now() - t0)
    }
    times.sort((a, b) => a - b)
    const base = loadBase(out)
    const ref = JSON.parse(readFileSync(join(root, name, 'reference.json'), 'utf8')) as { sequences: number[][]; hidden: number[][][] }
    let maxDiff = 0
    for (let s = 0; s < ref.sequences.length; s++) {
      const got = await hiddenStates(base, ref.sequences[s])
      got.forEach((row, t) => row.forEach((v, d) => (maxDiff = Math.max(maxDiff, Math.abs(v - ref.hidden[s][t][d])))))
    }
    base.dispose()
    process.stdout.write(`${name.padEnd(16)} ${base.file.arch.family.padEnd(12)} params ${String(base.file.params).padStart(6)}  import ${times[2].toFixed(1)} ms (median of 5)  max |hidden - reference| ${maxDiff.toExponential(2)}\n`)
  }
  const big = process.argv[2]
  if (big) {
    const times: number[] = []
    let out = ''
    for (let i = 0; i < 3; i++) {
      out = join(work, `big-${i}`)
      const t0 = performance.now()
      await writeBase(planImport(big), out)
      times.push(performance.now() - t0)
      if (i < 2) rmSync(out, { recursive: true, force: true })
    }
    times.sort((a, b) => a - b)
    let t0 = performance.now()
    const base = loadBase(out)
    const loadMs = performance.now() - t0
    const text = Array.from({ length: 62 }, (_, i) => ['the', 'model', 'reads', 'text'][i % 4]).join(' ')
    await encodeText(base, text) // warm-up
    t0 = performance.now()
    const r = await encodeText(base, text)
    const encodeMs = performance.now() - t0
    base.dispose()
    process.stdout.write(
      `${big}: ${base.file.arch.family}, ${(base.file.params / 1e6).toFixed(1)} M params; import ${(times[1] / 1000).toFixed(2)} s (median of 3), load ${(loadMs / 1000).toFixed(2)} s, encode ${r.ids.length} tokens ${encodeMs.toFixed(0)} ms; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
    )
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
