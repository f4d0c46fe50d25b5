// Engine throughput benchmark on the reference workload: encoder classifier, vocab 8000, seqLen 128,
// dModel 128, 4 heads, 2 pre-LN blocks, ffn 512, batch 32, 4 classes, AdamW, dropout 0.1.
//
//   npm run bench                       human-readable report
//   npm run bench -- --json             one JSON object: {backend, train_tokens_per_s, infer_tokens_per_s, peak_rss_mb}
//   options: --backend wasm|cpu|tensorflow  --train-seconds N  --infer-seconds N  --profile
//
// Tokens/s counts every position of every sequence (batch * seqLen per step), as the PyTorch
// comparison script (scripts/bench-torch.py) does for the same architecture.
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import {
  attention, dense, dropout, embeddingLookup, gelu, layerNorm, mergeHeads, paddingMaskBias, registerBackendFixes, splitQkv,
} from '../src/main/engine/ops'

const REF = { vocabSize: 8000, seqLen: 128, dModel: 128, nHeads: 4, nLayers: 2, ffnDim: 512, batchSize: 32, nClasses: 4, dropout: 0.1 }

interface Args { json: boolean; backend: string; trainSeconds: number; inferSeconds: number; profile: boolean }

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, backend: 'wasm', trainSeconds: 25, inferSeconds: 8, profile: false }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--json') args.json = true
    else if (a === '--profile') args.profile = true
    else if (a === '--backend') args.backend = String(argv[++i])
    else if (a === '--train-seconds') args.trainSeconds = Number(argv[++i])
    else if (a === '--infer-seconds') args.inferSeconds = Number(argv[++i])
    else throw new Error(`unknown option ${a}`)
  }
  return args
}

// Tiny seeded generator so the bench data and initial weights are the same on every run.
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), s | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Weights = Record<string, tf.Variable>

function initWeights(seed: number): Weights {
  const r = rng(seed)
  const { vocabSize: V, seqLen: T, dModel: D, ffnDim: F, nClasses: C } = REF
  const w: Weights = {}
  const normal = (name: string, shape: number[], std: number) => {
    const n = shape.reduce((a, b) => a * b, 1)
    const v = new Float32Array(n)
    for (let i = 0; i < n; i++) v[i] = (r() + r() + r() - 1.5) * 2 * std // cheap ~normal
    w[name] = tf.variable(tf.tensor(v, shape), true, name)
  }
  const fill = (name: string, shape: number[], value: number) => { w[name] = tf.variable(tf.fill(shape, value), true, name) }
  normal('embed/tok', [V, D], 0.02)
  normal('embed/pos', [T, D], 0.02)
  for (let i = 0; i < REF.nLayers; i++) {
    const p = `block_${i}`
    fill(`${p}/ln1/gamma`, [D], 1); fill(`${p}/ln1/beta`, [D], 0)
    normal(`${p}/attn/qkv`, [D, 3 * D], 0.02); fill(`${p}/attn/qkv_b`, [3 * D], 0)
    normal(`${p}/attn/out`, [D, D], 0.02); fill(`${p}/attn/out_b`, [D], 0)
    fill(`${p}/ln2/gamma`, [D], 1); fill(`${p}/ln2/beta`, [D], 0)
    normal(`${p}/ffn/w1`, [D, F], 0.02); fill(`${p}/ffn/w1_b`, [F], 0)
    normal(`${p}/ffn/w2`, [F, D], 0.02); fill(`${p}/ffn/w2_b`, [D], 0)
  }
  fill('final_ln/gamma', [D], 1); fill('final_ln/beta', [D], 0)
  normal('head/w', [D, C], 0.02); fill('head/b', [C], 0)
  return w
}

// Pre-LN encoder classifier built only from the engine's ops; logits [B, C].
function forward(w: Weights, ids: tf.Tensor, maskBias: tf.Tensor, training: boolean, seed: number): tf.Tensor {
  const { seqLen: T, dModel: D, nHeads: H, batchSize: B } = REF
  const rate = training ? REF.dropout : 0
  let s = seed
  const drop = (x: tf.Tensor) => (rate > 0 ? dropout(x, rate, ++s) : x)
  let h = tf.add(embeddingLookup(w['embed/tok']!, ids), w['embed/pos']!) // [B, T, D] + [T, D]
  h = drop(h)
  for (let i = 0; i < REF.nLayers; i++) {
    const p = `block_${i}`
    const a = layerNorm(h, w[`${p}/ln1/gamma`]!, w[`${p}/ln1/beta`]!) // [B, T, D]
    const [q, k, v] = splitQkv(dense(a, w[`${p}/attn/qkv`]!, w[`${p}/attn/qkv_b`]!), H) // [B, T, 3D] -> 3 x [B, H, T, Dh]
    const { output } = attention(q, k, v, { maskBias, dropoutRate: rate, seed: ++s }) // [B, H, T, Dh]
    h = tf.add(h, drop(dense(mergeHeads(output), w[`${p}/attn/out`]!, w[`${p}/attn/out_b`]!))) // [B, T, D]
    const f = layerNorm(h, w[`${p}/ln2/gamma`]!, w[`${p}/ln2/beta`]!) // [B, T, D]
    const hidden = gelu(dense(f, w[`${p}/ffn/w1`]!, w[`${p}/ffn/w1_b`]!)) // [B, T, F]
    h = tf.add(h, drop(dense(hidden, w[`${p}/ffn/w2`]!, w[`${p}/ffn/w2_b`]!))) // [B, T, D]
  }
  h = layerNorm(h, w['final_ln/gamma']!, w['final_ln/beta']!)
  const cls = tf.reshape(tf.slice(h, [0, 0, 0], [B, 1, D]), [B, D]) // [CLS] pooling: [B, T, D] -> [B, D]
  void T
  return dense(cls, w['head/w']!, w['head/b']!) // [B, C]
}

// AdamW (decoupled weight decay, Loshchilov & Hutter) with the PyTorch defaults.
class AdamW {
  private m = new Map<string, tf.Variable>()
  private v = new Map<string, tf.Variable>()
  private t = 0
  constructor(private lr = 1e-3, private beta1 = 0.9, private beta2 = 0.999, private eps = 1e-8, private weightDecay = 0.01) {}
  apply(weights: Weights, grads: tf.NamedTensorMap): void {
    this.t++
    const bc1 = 1 - this.beta1 ** this.t, bc2 = 1 - this.beta2 ** this.t
    const stepSize = this.lr / bc1
    tf.tidy(() => {
      for (const [name, g] of Object.entries(grads)) {
        const p = weights[name]!
        let m = this.m.get(name), v = this.v.get(name)
        if (!m || !v) {
          m = tf.variable(tf.zerosLike(p), false); v = tf.variable(tf.zerosLike(p), false)
          this.m.set(name, m); this.v.set(name, v)
        }
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)))
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)))
        const denom = tf.add(tf.sqrt(tf.mul(v, 1 / bc2)), this.eps)
        p.assign(tf.sub(tf.mul(p, 1 - this.lr * this.weightDecay), tf.mul(tf.div(m, denom), stepSize)))
      }
    })
  }
}

function makeBatch(r: () => number): { ids: tf.Tensor; labels: tf.Tensor; maskBias: tf.Tensor } {
  const { batchSize: B, seqLen: T, vocabSize: V, nClasses: C } = REF
  const ids = new Int32Array(B * T), labels = new Int32Array(B)
  for (let b = 0; b < B; b++) {
    ids[b * T] = 2 // [CLS]
    for (let t = 1; t < T; t++) ids[b * T + t] = 5 + Math.floor(r() * (V - 5))
    labels[b] = Math.floor(r() * C)
  }
  return tf.tidy(() => ({
    ids: tf.tensor2d(ids, [B, T], 'int32'),
    labels: tf.oneHot(tf.tensor1d(labels, 'int32'), C),
    maskBias: paddingMaskBias(tf.ones([B, T], 'int32')), // every position is a real token
  }))
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024)
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const log = (msg: string) => { if (!args.json) console.log(msg); else process.stderr.write(msg + '\n') }
  if (!(await tf.setBackend(args.backend))) throw new Error(`backend ${args.backend} did not load`)
  await tf.ready()
  registerBackendFixes(tf.getBackend())
  const weights = initWeights(1)
  const opt = new AdamW()
  const r = rng(7)
  const batches = Array.from({ length: 4 }, () => makeBatch(r))
  const tokensPerStep = REF.batchSize * REF.seqLen
  let step = 0
  const trainStep = (): number => {
    const batch = batches[step % batches.length]!
    step++
    const { value, grads } = tf.variableGrads(() =>
      tf.losses.softmaxCrossEntropy(batch.labels, forward(weights, batch.ids, batch.maskBias, true, step * 1000)) as tf.Scalar)
    opt.apply(weights, grads)
    tf.dispose(grads)
    const loss = value.dataSync()[0]!
    value.dispose()
    return loss
  }

  log(`backend ${tf.getBackend()}; reference workload ${JSON.stringify(REF)}`)
  for (let i = 0; i < 3; i++) trainStep() // warm-up: kernel setup, heap growth
  if (args.profile) {
    const info = await tf.profile(() => { trainStep() })
    const byKernel = new Map<string, { ms: number; n: number }>()
    for (const k of info.kernels) {
      const key = `${k.name} ${JSON.stringify(k.inputShapes)}`
      const e = byKernel.get(key) ?? { ms: 0, n: 0 }
      e.ms += Number(k.kernelTimeMs); e.n++
      byKernel.set(key, e)
    }
    const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms)
    const total = rows.reduce((a, [, e]) => a + e.ms, 0)
    log(`profile: ${info.kernels.length} kernels, ${total.toFixed(1)} ms in kernels`)
    for (const [k, e] of rows.slice(0, 40)) log(`${e.ms.toFixed(1).padStart(8)} ms ${String(e.n).padStart(4)}x  ${k}`)
  }
  const tensorsBefore = tf.memory().numTensors
  const t0 = performance.now()
  let trainSteps = 0, lastLoss = 0
  while (performance.now() - t0 < args.trainSeconds * 1000 || trainSteps < 3) { lastLoss = trainStep(); trainSteps++ }
  const trainSec = (performance.now() - t0) / 1000
  const tensorsAfter = tf.memory().numTensors
  const trainTps = (trainSteps * tokensPerStep) / trainSec
  log(`train: ${trainSteps} steps in ${trainSec.toFixed(1)} s, ${(1000 * trainSec / trainSteps).toFixed(0)} ms/step, ` +
    `${trainTps.toFixed(0)} tokens/s, last loss ${lastLoss.toFixed(4)}, tensors ${tensorsBefore} -> ${tensorsAfter}`)

  const inferStep = () => {
    const batch = batches[step++ % batches.length]!
    const probs = tf.tidy(() => tf.softmax(forward(weights, batch.ids, batch.maskBias, false, 0)))
    probs.dataSync()
    probs.dispose()
  }
  inferStep()
  const t1 = performance.now()
  let inferSteps = 0
  while (performance.now() - t1 < args.inferSeconds * 1000 || inferSteps < 3) { inferStep(); inferSteps++ }
  const inferSec = (performance.now() - t1) / 1000
  const inferTps = (inferSteps * tokensPerStep) / inferSec
  log(`infer: ${inferSteps} batches in ${inferSec.toFixed(1)} s, ${inferTps.toFixed(0)} tokens/s`)
  const result = { backend: tf.getBackend(), train_tokens_per_s: Math.round(trainTps), infer_tokens_per_s: Math.round(inferTps), peak_rss_mb: peakRssMb() }
  if (args.json) console.log(JSON.stringify(result))
  else log(`peak RSS ${result.peak_rss_mb} MB`)
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err)
  process.exit(2)
})
