// A gradient worker thread: one backend of its own, a replica of the model, and a loop that reads the
// owner's weights from shared memory, computes the gradient of its shard of the batch (with that
// shard's rows of the batch's dropout masks) and writes it to its slot. It never updates weights itself.
import { parentPort } from 'node:worker_threads'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../backend'
import { buildModel, withForwardDefaults } from '../models'
import type { TextModel } from '../models/types'
import { withDropoutRowOffset } from '../ops'
import { batchGradients, type GradientSetup } from '../training/train-step'
import type { FlatLayout, WorkerForward, WorkerInit, WorkerReply, WorkerStep } from './protocol'

const port = parentPort
if (!port) throw new Error('worker-entry runs only as a worker thread')

let init: WorkerInit | null = null
let model: TextModel | null = null
let setup: GradientSetup | null = null

function reply(msg: WorkerReply): void {
  port!.postMessage(msg)
}

function readWeights(layout: FlatLayout, area: Float32Array): void {
  for (const e of layout.entries) {
    // A copy: the cpu backend may keep the array it is given, and the shared area changes every step.
    const values = area.slice(e.offset, e.offset + e.size)
    tf.tidy(() => model!.params.get(e.name)!.assign(tf.tensor(values, e.shape, 'float32')))
  }
}

async function start(msg: WorkerInit): Promise<void> {
  init = msg
  await initBackend([msg.backend])
  model = withForwardDefaults(buildModel(msg.spec, msg.seed), { lastBlockShortcut: msg.shortcut })
  setup = { model, objective: msg.objective, trainable: msg.trainable.entries.map((e) => e.name), labelSmoothing: msg.labelSmoothing }
  readWeights(msg.all, new Float32Array(msg.weights))
  reply({ type: 'ready' })
}

function step(msg: WorkerStep): void {
  const w = init!
  if (w.crashAtStep !== undefined && msg.step === w.crashAtStep) process.exit(3)
  const cpu0 = process.threadCpuUsage()
  const area = new Float32Array(w.weights)
  if (msg.sync === 'all') readWeights(w.all, area)
  else if (msg.sync === 'trainable') readWeights(w.trainable, area)
  const out = new Float32Array(w.grads)
  const { value, grads } = tf.tidy(() => withDropoutRowOffset(msg.rowOffset, () => batchGradients(setup!, msg.batch, msg.dropoutSeed)))
  const loss = value.dataSync()[0]!
  for (const e of w.trainable.entries) {
    const g = grads[e.name]
    if (g) out.set(g.dataSync() as Float32Array, e.offset)
    else out.fill(0, e.offset, e.offset + e.size)
  }
  tf.dispose([value, ...Object.values(grads)])
  const cpu = process.threadCpuUsage(cpu0)
  reply({ type: 'grads', step: msg.step, loss, cpuMs: (cpu.user + cpu.system) / 1000 })
}

function forward(msg: WorkerForward): void {
  const b = msg.batch
  const p = tf.tidy(() => tf.softmax(model!.forward(tf.tensor2d(b.ids, [b.B, b.T], 'int32'), tf.tensor2d(b.mask, [b.B, b.T]), { training: false }).logits)) // [B, C]
  const probs = p.dataSync() as Float32Array
  p.dispose()
  port!.postMessage({ type: 'probs', probs } satisfies WorkerReply, [probs.buffer as ArrayBuffer])
}

port.on('message', (msg: WorkerInit | WorkerStep | WorkerForward) => {
  try {
    if (msg.type === 'init') start(msg).catch((err: unknown) => reply({ type: 'error', message: (err as Error).message || String(err) }))
    else if (msg.type === 'forward') forward(msg)
    else step(msg)
  } catch (err) {
    reply({ type: 'error', message: (err as Error).message || String(err) })
  }
})
