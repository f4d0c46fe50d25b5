// Engine throughput benchmark on the reference workload: encoder classifier, vocab 8000, seqLen 128,
// dModel 128, 4 heads, 2 pre-LN blocks, ffn 512, batch 32, 4 classes, AdamW, dropout 0.1.
// It builds the engine's own encoder (models/) and trains it with the training loop's own step
// (training/train-step.ts: forward, loss, gradients, clipping, AdamW), so the figure is the product's.
//
//   npm run bench                       human-readable report
//   npm run bench -- --json             one JSON object: {backend, threads, shortcut, train_tokens_per_s, train_tokens_per_s_free_cores,
//                                       infer_tokens_per_s, peak_rss_mb}; the free-cores figure divides by the busiest thread's CPU
//                                       time per step, the speed with an idle core per thread (what a busy shared machine hides)
//                                       With --backend webgpu it also has "adapter" (vendor and architecture) and
//                                       "adapter_software"; on a software adapter (SwiftShader, lavapipe) a "note"
//                                       says the figure means nothing for GPU speed.
//   options: --backend wasm|cpu|tensorflow|tensorflow-gpu|webgpu  --train-seconds N  --infer-seconds N  --profile
//            --threads N: data-parallel training threads (default: the product's default, one per core)
//            --full (or AW_BENCH_FULL=1): no [CLS] last-block shortcut, every row of every block is computed,
//            the same work PyTorch's encoder does (the like-for-like figure); the JSON says "shortcut": true|false
//
// Tokens/s counts every position of every sequence (batch * seqLen per step), as the PyTorch
// comparison script (scripts/bench-torch.py) does for the same architecture.
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../src/main/engine/backend'
import { backendChoices, isBackendChoice } from '../src/main/engine/backend-select'
import { buildModel, resolveDims, withForwardDefaults, type ModelSpec } from '../src/main/engine/models'
import { DataParallel, resolveThreads } from '../src/main/engine/parallel/data-parallel'
import { mixSeed } from '../src/main/engine/rng'
import { AdamW } from '../src/main/engine/training/adamw'
import { learningRate } from '../src/main/engine/training/schedule'
import { makeTrainStep, type StepBatch } from '../src/main/engine/training/train-step'
import { resolveConfig } from '../src/shared/config'

const REF = { vocabSize: 8000, seqLen: 128, dModel: 128, nHeads: 4, nLayers: 2, ffnDim: 512, batchSize: 32, nClasses: 4, dropout: 0.1 }

interface Args { json: boolean; backend: string; trainSeconds: number; inferSeconds: number; profile: boolean; full: boolean; threads: number }

function parseArgs(argv: string[]): Args {
  const envFull = process.env.AW_BENCH_FULL === '1' || process.env.AW_BENCH_FULL === 'true'
  const args: Args = { json: false, backend: 'wasm', trainSeconds: 25, inferSeconds: 8, profile: false, full: envFull, threads: 0 }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--json') args.json = true
    else if (a === '--profile') args.profile = true
    else if (a === '--full') args.full = true
    else if (a === '--backend') args.backend = String(argv[++i])
    else if (a === '--train-seconds') args.trainSeconds = Number(argv[++i])
    else if (a === '--infer-seconds') args.inferSeconds = Number(argv[++i])
    else if (a === '--threads') args.threads = Number(argv[++i])
    else throw new Error(`unknown option ${a}`)
  }
  return args
}

// Tiny seeded generator so the bench data are the same on every run.
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), s | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Synthetic full-length rows: [CLS] then random token ids of the 8000-word vocabulary, no padding.
function makeBatch(r: () => number): StepBatch {
  const { batchSize: B, seqLen: T, vocabSize: V, nClasses: C } = REF
  const ids = new Int32Array(B * T)
  for (let b = 0; b < B; b++) {
    ids[b * T] = 2 // [CLS]
    for (let t = 1; t < T; t++) ids[b * T + t] = 5 + Math.floor(r() * (V - 5))
  }
  const labels = Array.from({ length: B }, () => Math.floor(r() * C))
  return { ids, mask: new Float32Array(B * T).fill(1), B, T, labels, rowWeights: null }
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024)
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const log = (msg: string) => { if (!args.json) console.log(msg); else process.stderr.write(msg + '\n') }
  if (!isBackendChoice(args.backend)) throw new Error(`--backend ${args.backend}: use one of ${backendChoices.join(', ')}`)
  const backend = await initBackend([args.backend])
  const adapter = backend.adapter ?? null
  const softwareNote = adapter?.software
    ? 'the WebGPU adapter is a software (CPU) implementation: these figures check that the backend works and say nothing about GPU speed'
    : null
  // The product's defaults (AdamW lr 1e-3, weight decay 0.01, warmup + cosine, clipping at 1) on the reference sizes.
  const config = resolveConfig(null, {
    model: { arch: 'encoder', dModel: REF.dModel, nHeads: REF.nHeads, nLayers: REF.nLayers, ffnDim: REF.ffnDim, seqLen: REF.seqLen,
      dropout: REF.dropout, attnDropout: REF.dropout, positional: 'learned', pooling: 'cls' },
    train: { batchSize: REF.batchSize },
  })
  const spec: ModelSpec = { dims: resolveDims(config.model, REF.vocabSize), head: 'classify', nClasses: REF.nClasses, lora: null }
  // --full: every forward pass (training and inference) runs every row of every block.
  const model = withForwardDefaults(buildModel(spec, 1), { lastBlockShortcut: !args.full })
  const trainable = [...model.params.keys()]
  const c = config.train
  const opt = new AdamW(model.params, trainable, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: c.weightDecay })
  const setup = {
    model, objective: 'classify' as const, trainable, opt, gradClip: c.gradClip, labelSmoothing: c.labelSmoothing,
    lrScale: () => 1, decay: (name: string) => model.params.get(name)!.shape.length >= 2,
  }
  const step1 = makeTrainStep(setup)
  const threads = resolveThreads(args.threads, tf.getBackend())
  const parallel = threads > 1
    ? await DataParallel.start(model, { threads, backend: tf.getBackend() as 'wasm' | 'cpu', seed: 1, objective: 'classify', trainable, labelSmoothing: c.labelSmoothing, lastBlockShortcut: !args.full })
    : null
  const r = rng(7)
  const batches = Array.from({ length: 4 }, () => makeBatch(r))
  const tokensPerStep = REF.batchSize * REF.seqLen
  const plannedSteps = 10_000
  let step = 0
  // CPU time on the critical path: per step the busiest thread's (one thread: the step's). With a free core
  // per thread a step takes about that long, so tokens / this sum estimates the speed on an idle machine.
  let criticalCpuMs = 0
  const trainStep = async (): Promise<number> => {
    const batch = batches[step % batches.length]!
    const lr = learningRate(step, plannedSteps, c), seed = mixSeed(c.seed, step, 0xd0)
    step++
    if (parallel) {
      const value = await parallel.step(setup, batch, lr, seed, step)
      criticalCpuMs += Math.max(parallel.lastStepCpu.ownerMs, ...parallel.lastStepCpu.workerMs)
      return value
    }
    const cpu0 = process.threadCpuUsage()
    const loss = step1(batch, lr, seed)
    const value = (await loss.data())[0]!
    loss.dispose()
    const cpu = process.threadCpuUsage(cpu0)
    criticalCpuMs += (cpu.user + cpu.system) / 1000
    return value
  }

  log(`backend ${backend.name} (${backend.description}); reference workload ${JSON.stringify(REF)}; ` +
    (args.full ? 'full computation (no last-block shortcut)' : 'with the [CLS] last-block shortcut') + `; ${threads} training thread(s)`)
  if (adapter) log(`adapter: ${adapter.vendor} ${adapter.architecture} (${adapter.description})${adapter.software ? ', software' : ''}`)
  if (softwareNote) log(`note: ${softwareNote}`)
  for (let i = 0; i < 3; i++) await trainStep() // warm-up: kernel setup, heap growth
  if (args.profile) {
    // A software adapter's kernel times are SwiftShader's CPU code, not a GPU's: no basis for writing WGSL kernels.
    if (adapter?.software) log('note: kernel times on a software adapter say nothing about which kernels are slow on a GPU')
    const info = await tf.profile(async () => { await trainStep() })
    const byKernel = new Map<string, { ms: number; n: number }>()
    // Custom ops (customGrad) appear as well as the kernels they run: count registered kernels only.
    const leaves = info.kernels.filter((k) => tf.getKernel(k.name, tf.getBackend()))
    for (const k of leaves) {
      const key = `${k.name} ${JSON.stringify(k.inputShapes)}`
      const e = byKernel.get(key) ?? { ms: 0, n: 0 }
      e.ms += Number(k.kernelTimeMs); e.n++
      byKernel.set(key, e)
    }
    const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms)
    const total = rows.reduce((a, [, e]) => a + e.ms, 0)
    const t = performance.now()
    await trainStep()
    log(`profile: ${leaves.length} kernels, ${total.toFixed(1)} ms in kernels; an unprofiled step takes ${(performance.now() - t).toFixed(0)} ms`)
    for (const [k, e] of rows.slice(0, 40)) log(`${e.ms.toFixed(1).padStart(8)} ms ${String(e.n).padStart(4)}x  ${k}`)
  }
  const tensorsBefore = tf.memory().numTensors
  criticalCpuMs = 0
  const t0 = performance.now()
  let trainSteps = 0, lastLoss = 0
  while (performance.now() - t0 < args.trainSeconds * 1000 || trainSteps < 3) { lastLoss = await trainStep(); trainSteps++ }
  const trainSec = (performance.now() - t0) / 1000
  const tensorsAfter = tf.memory().numTensors
  const trainTps = (trainSteps * tokensPerStep) / trainSec
  const freeCoresTps = (trainSteps * tokensPerStep) / (criticalCpuMs / 1000)
  log(`train: ${trainSteps} steps in ${trainSec.toFixed(1)} s, ${(1000 * trainSec / trainSteps).toFixed(0)} ms/step, ` +
    `${trainTps.toFixed(0)} tokens/s, last loss ${lastLoss.toFixed(4)}, tensors ${tensorsBefore} -> ${tensorsAfter}; ` +
    `on a free core per thread (busiest thread's CPU time per step): ${freeCoresTps.toFixed(0)} tokens/s`)

  // Inference as predict runs it: the model's forward pass without dropout, then softmax.
  const inferStep = async () => {
    const batch = batches[step++ % batches.length]!
    const probs = tf.tidy(() => {
      const ids = tf.tensor2d(batch.ids, [batch.B, batch.T], 'int32')
      const mask = tf.tensor2d(batch.mask, [batch.B, batch.T])
      return tf.softmax(model.forward(ids, mask, { training: false }).logits)
    })
    await probs.data()
    probs.dispose()
  }
  await inferStep()
  const t1 = performance.now()
  let inferSteps = 0
  while (performance.now() - t1 < args.inferSeconds * 1000 || inferSteps < 3) { await inferStep(); inferSteps++ }
  const inferSec = (performance.now() - t1) / 1000
  const inferTps = (inferSteps * tokensPerStep) / inferSec
  log(`infer: ${inferSteps} batches in ${inferSec.toFixed(1)} s, ${inferTps.toFixed(0)} tokens/s`)
  await parallel?.stop()
  const result = { backend: tf.getBackend(), threads, shortcut: !args.full, train_tokens_per_s: Math.round(trainTps), train_tokens_per_s_free_cores: Math.round(freeCoresTps), infer_tokens_per_s: Math.round(inferTps), peak_rss_mb: peakRssMb(),
    ...(adapter ? { adapter: backend.description.replace(/^WebGPU \((.*)\)$/, '$1'), adapter_software: adapter.software } : {}),
    ...(softwareNote ? { note: softwareNote } : {}) }
  if (args.json) console.log(JSON.stringify(result))
  else log(`peak RSS ${result.peak_rss_mb} MB`)
  if (softwareNote) log(`note: ${softwareNote}`)
}

// Dawn keeps the process alive while its device exists: exit once the report is written.
main().then(() => process.stdout.write('', () => process.exit(0))).catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(2)
})
