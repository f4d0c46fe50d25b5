// Fine-tuning from a base, measured: a 6-layer, 384-wide, 12-head BERT-shaped base (MiniLM size: post-LN,
// exact GELU, token types, embedding layer norm, vocab 30522; random weights) on the wasm backend, one
// thread. Full and LoRA modes: training tokens/s (batch 32 x 64 tokens, the product's train step: forward,
// loss, gradients, clipping, AdamW). Frozen features: seconds to run the base over 1,000 texts of 64 tokens
// and fit the head. Each mode runs in its own process so its peak memory (max RSS) is its own.
//
//   npm run bench:finetune                 all three modes, a table
//   npm run bench:finetune -- --json       one JSON object
//   options: --seconds N (training time per mode, default 40)  --mode full|lora|frozen (one mode, this process)
//
// PyTorch reference on the same shape: /usr/bin/python3 scripts/bench-finetune-torch.py (one thread).
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../src/main/engine/backend'
import { baseDims } from '../src/main/engine/bases/base-model'
import type { BaseArch } from '../src/main/engine/bases/arch'
import { selectTrainable } from '../src/main/engine/finetune'
import { buildModel, withForwardDefaults } from '../src/main/engine/models'
import { mixSeed } from '../src/main/engine/rng'
import { AdamW } from '../src/main/engine/training/adamw'
import { pooledFeatures } from '../src/main/engine/training/evaluate-rows'
import { fitHead } from '../src/main/engine/training/fit-head'
import { makeTrainStep, type StepBatch } from '../src/main/engine/training/train-step'
import { resolveConfig } from '../src/shared/config'

const SHAPE = { vocabSize: 30522, dModel: 384, nHeads: 12, nLayers: 6, ffnDim: 1536, positions: 512, batch: 32, seqLen: 64, classes: 2, texts: 1000 }

const arch: BaseArch = {
  family: 'bert', vocabSize: SHAPE.vocabSize, dModel: SHAPE.dModel, nHeads: SHAPE.nHeads, nLayers: SHAPE.nLayers, ffnDim: SHAPE.ffnDim, embedSize: SHAPE.dModel,
  positions: SHAPE.positions, positionOffset: 0, typeVocab: 2, norm: 'post', gelu: 'erf', lnEps: 1e-12, embedLn: true, finalLn: false, causal: false,
  pooler: false, tiedLmHead: false, maxLength: SHAPE.positions,
}

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 4294967296
  }
}

/** Full-length rows: [CLS] then seeded word ids, then [SEP]. */
function batchOf(B: number, T: number, seed: number): StepBatch {
  const next = rng(seed)
  const ids = new Int32Array(B * T)
  for (let b = 0; b < B; b++) {
    ids[b * T] = 101
    for (let t = 1; t < T - 1; t++) ids[b * T + t] = 1000 + Math.floor(next() * (SHAPE.vocabSize - 1000))
    ids[b * T + T - 1] = 102
  }
  return { ids, mask: new Float32Array(B * T).fill(1), B, T, labels: Array.from({ length: B }, () => Math.floor(next() * SHAPE.classes)), rowWeights: null }
}

async function runMode(mode: 'full' | 'lora' | 'frozen', seconds: number): Promise<Record<string, number | string>> {
  await initBackend(['wasm'])
  const config = resolveConfig(null, { finetune: { baseId: 'bench', mode, lora: { rank: 8, alpha: 16 } } })
  const lora = mode === 'lora' ? { rank: 8, alpha: 16 } : null
  const spec = { dims: baseDims(arch, { dropout: 0.1 }), head: 'classify' as const, nClasses: SHAPE.classes, lora }
  // Like for like with PyTorch: every row of every block is computed.
  const model = withForwardDefaults(buildModel(spec, 1), { lastBlockShortcut: false })
  if (mode === 'frozen') {
    const rows: Int32Array[] = []
    const b = batchOf(SHAPE.texts, SHAPE.seqLen, 7)
    for (let i = 0; i < SHAPE.texts; i++) rows.push(b.ids.slice(i * SHAPE.seqLen, (i + 1) * SHAPE.seqLen))
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    const x = await pooledFeatures(model, rows, 64)
    const t1 = performance.now()
    const y = b.labels!
    fitHead({ x: x.slice(0, 800), y: y.slice(0, 800) }, { x: x.slice(800), y: y.slice(800) }, { nClasses: SHAPE.classes })
    const t2 = performance.now()
    const c = process.cpuUsage(c0)
    return { mode, texts: SHAPE.texts, tokens: SHAPE.seqLen, featureSeconds: +((t1 - t0) / 1000).toFixed(2), headSeconds: +((t2 - t1) / 1000).toFixed(2), totalSeconds: +((t2 - t0) / 1000).toFixed(2), cpuSeconds: +((c.user + c.system) / 1e6).toFixed(2), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }
  }
  const names = [...model.params.keys()]
  const { trainable, lrScale } = selectTrainable(names, config.finetune, true)
  const opt = new AdamW(model.params, trainable, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 })
  const step = makeTrainStep({ model, objective: 'classify', trainable, opt, gradClip: 1, labelSmoothing: 0, lrScale: (n) => lrScale[n] ?? 1, decay: (n) => model.params.get(n)!.shape.length >= 2 })
  const batches = [0, 1, 2, 3].map((i) => batchOf(SHAPE.batch, SHAPE.seqLen, 11 + i))
  const one = (i: number) => {
    const loss = step(batches[i % batches.length], 5e-5, mixSeed(1, i))
    loss.dataSync()
    loss.dispose()
  }
  one(0) // warm-up: kernel set-up and heap growth
  let steps = 0
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  while (performance.now() - t0 < seconds * 1000 || steps < 3) one(++steps)
  const elapsed = (performance.now() - t0) / 1000
  // One thread: CPU seconds are what the steps cost on an idle core (wall time includes other work on a shared machine).
  const c = process.cpuUsage(c0)
  const cpu = (c.user + c.system) / 1e6
  const trainableParams = trainable.reduce((n, name) => n + model.params.get(name)!.size, 0)
  opt.dispose()
  return { mode, steps, tokensPerSec: Math.round((steps * SHAPE.batch * SHAPE.seqLen) / elapsed), tokensPerCpuSec: Math.round((steps * SHAPE.batch * SHAPE.seqLen) / cpu), msPerStep: Math.round((elapsed * 1000) / steps), trainableParams, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), numTensors: tf.memory().numTensors }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const opt = (k: string) => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : undefined)
  const seconds = Number(opt('--seconds') ?? 40)
  const only = opt('--mode') as 'full' | 'lora' | 'frozen' | undefined
  if (only) {
    console.log(JSON.stringify(await runMode(only, seconds)))
    return
  }
  const self = fileURLToPath(import.meta.url)
  const results = (['full', 'lora', 'frozen'] as const).map((mode) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--mode', mode, '--seconds', String(seconds)], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`mode ${mode} failed: ${r.stderr}`)
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number | string>
  })
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ backend: 'wasm', threads: 1, shape: SHAPE, results }, null, 1))
    return
  }
  console.log(`BERT-shaped base ${SHAPE.nLayers} x ${SHAPE.dModel} (${SHAPE.nHeads} heads, ffn ${SHAPE.ffnDim}, vocab ${SHAPE.vocabSize}), wasm, one thread`)
  for (const r of results) {
    if (r.mode === 'frozen') console.log(`frozen features: ${r.texts} texts x ${r.tokens} tokens in ${r.totalSeconds} s wall, ${r.cpuSeconds} s CPU (base forward ${r.featureSeconds} s, head fit ${r.headSeconds} s), peak RSS ${r.peakRssMb} MB`)
    else console.log(`${String(r.mode).padEnd(5)} fine-tune: ${r.tokensPerSec} tokens/s wall, ${r.tokensPerCpuSec} tokens per CPU second (${r.msPerStep} ms per step of ${SHAPE.batch} x ${SHAPE.seqLen}), ${r.trainableParams} trainable weights, peak RSS ${r.peakRssMb} MB`)
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
