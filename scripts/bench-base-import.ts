// Imports every fixture base (tests/fixtures/bases) and prints the import time (median of 5) and the
// largest difference of the last hidden states from the float64 PyTorch reference, per family.
//   npx tsx scripts/bench-base-import.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initBackend } from '../src/main/engine/backend'
import { hiddenStates, loadBase } from '../src/main/engine/bases/base-model'
import { planImport, writeBase } from '../src/main/engine/bases/import-base'

const root = join(import.meta.dirname, '..', 'tests', 'fixtures', 'bases')
const work = mkdtempSync(join(tmpdir(), 'bench-bases-'))
const backend = await initBackend(['cpu'])
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
} finally {
  rmSync(work, { recursive: true, force: true })
}
