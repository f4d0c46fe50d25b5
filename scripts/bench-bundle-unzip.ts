// Event-loop block while a large model bundle .zip is read for import: builds a bundle .zip with a
// weights file of the given size (float32 values of modest entropy, as trained weights compress),
// reads it with readBundleSource (what import and verify use) and prints the longest event-loop
// delay seen meanwhile (perf_hooks.monitorEventLoopDelay, 1 ms resolution), the time taken and the
// peak RSS. Repeats and prints each run and the median. Cleans up after.
//   npx tsx scripts/bench-bundle-unzip.ts [--mb 256] [--repeat 3] [--json]
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { zipSync } from 'fflate'
import { readBundleSource } from '../src/main/engine/export/bundle-source'

const args = process.argv.slice(2)
const arg = (name: string, d: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : d)
const mb = arg('--mb', 256)
const repeat = arg('--repeat', 3)

const dir = mkdtempSync(join(tmpdir(), 'wb-bench-unzip-'))
try {
  const floats = new Float32Array((mb * 1024 * 1024) / 4)
  let s = 7
  for (let i = 0; i < floats.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    floats[i] = Math.round(((s >>> 8) / 16777216 - 0.5) * 64) / 256 // a few hundred distinct values
  }
  const model = { format: 'graph-model', weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [floats.length], dtype: 'float32' }] }] }
  const enc = (o: unknown) => new TextEncoder().encode(JSON.stringify(o))
  const zip = join(dir, 'bundle.zip')
  writeFileSync(zip, zipSync({ 'bundle/model.json': enc(model), 'bundle/workbench.json': enc({ format: 'attention-workbench-bundle' }), 'bundle/w.bin': new Uint8Array(floats.buffer) }, { level: 1 }))
  const zipMb = statSync(zip).size / 1024 ** 2

  const runs: { maxBlockMs: number; seconds: number; peakRssMb: number }[] = []
  for (let r = 0; r < repeat; r++) {
    const h = monitorEventLoopDelay({ resolution: 1 })
    let peak = process.memoryUsage().rss
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
    h.enable()
    const t0 = performance.now()
    const files = await readBundleSource(zip)
    const seconds = (performance.now() - t0) / 1000
    h.disable()
    clearInterval(sampler)
    if (files.get('w.bin')?.length !== floats.byteLength) throw new Error('the weights did not come back whole')
    runs.push({ maxBlockMs: h.max / 1e6, seconds, peakRssMb: peak / 1024 ** 2 })
  }
  // The same monitor over an idle wait as long as the median read: on a shared machine the
  // scheduler alone shows blocks too, and this is the floor to compare with.
  const idle = monitorEventLoopDelay({ resolution: 1 })
  idle.enable()
  await new Promise((r) => setTimeout(r, Math.max(500, 1000 * [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)].seconds)))
  idle.disable()
  const idleMaxMs = idle.max / 1e6
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const summary = { weightsMb: mb, zipMb: Math.round(zipMb), runs, medianMaxBlockMs: median(runs.map((r) => r.maxBlockMs)), medianSeconds: median(runs.map((r) => r.seconds)), idleMaxBlockMs: idleMaxMs }
  if (args.includes('--json')) console.log(JSON.stringify(summary))
  else {
    console.log(`bundle .zip of ${Math.round(zipMb)} MB holding ${mb} MB of weights`)
    for (const r of runs) console.log(`  longest event-loop block ${r.maxBlockMs.toFixed(1)} ms, ${r.seconds.toFixed(2)} s, peak RSS ${Math.round(r.peakRssMb)} MB`)
    console.log(`median longest block ${summary.medianMaxBlockMs.toFixed(1)} ms, median time ${summary.medianSeconds.toFixed(2)} s`)
    console.log(`idle floor: longest event-loop block while waiting the same time ${idleMaxMs.toFixed(1)} ms`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
