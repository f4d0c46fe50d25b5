// A small, learnable two-class dataset written as the trainer's JobData file.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JobData } from '../../src/shared/trainer-protocol'

const pos = ['great', 'wonderful', 'lovely', 'excellent', 'happy', 'superb']
const neg = ['awful', 'terrible', 'horrible', 'sad', 'dreadful', 'poor']
const filler = ['the', 'movie', 'was', 'really', 'quite', 'a', 'film', 'story', 'and', 'plot']

/** Deterministic texts whose label is given by sentiment words. */
export function tinyTexts(n: number, seed = 1): { texts: string[]; labels: number[] } {
  let s = seed
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648)
  const texts: string[] = []
  const labels: number[] = []
  for (let i = 0; i < n; i++) {
    const label = i % 2
    const words: string[] = []
    const len = 6 + Math.floor(rnd() * 6)
    for (let j = 0; j < len; j++) words.push(filler[Math.floor(rnd() * filler.length)])
    const bag = label ? pos : neg
    words.splice(Math.floor(rnd() * words.length), 0, bag[Math.floor(rnd() * bag.length)])
    texts.push(words.join(' '))
    labels.push(label)
  }
  return { texts, labels }
}

/** Write JobData for `nTrain` training rows to dir/data.json and return its path. */
export function writeTinyJobData(dir: string, nTrain = 64, nVal = 16): string {
  const train = tinyTexts(nTrain, 7)
  const val = tinyTexts(nVal, 99)
  const data: JobData = {
    labels: ['negative', 'positive'],
    train,
    validation: { ...val, indices: val.texts.map((_, i) => i) },
  }
  const path = join(dir, 'data.json')
  writeFileSync(path, JSON.stringify(data))
  return path
}
