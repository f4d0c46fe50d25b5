// The README's pictures come from the browser test suite: this maps each picture to the screenshot
// an e2e test takes and copies the latest ones into docs/screenshots/, so they cannot go stale.
//   npm run screenshots            build, run the e2e suite, copy the pictures
//   tsx scripts/readme-screenshots.ts --check   only check that every README picture has a source
import { copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..')

/** README picture (docs/screenshots/NAME) -> the e2e screenshot (artifacts/screenshots/NAME) it is copied from. */
export const readmeScreenshots: Record<string, string> = {
  'home.png': 'demo-home.png',
  'live-training.png': 'path-03-live.png',
  'attention.png': 'path-05-attention.png',
  'dataset-doctor.png': 'path-02-doctor.png',
  'compare.png': 'path-07-compare.png',
  'results.png': 'path-04-results.png',
  'runs.png': 'path-06-runs.png',
  'zh-cn-dark.png': 'foundation-zh-dark-1024.png',
}

/** The pictures README.md shows from docs/screenshots/. */
export function readmePictures(readme = readFileSync(join(root, 'README.md'), 'utf8')): string[] {
  return [...new Set([...readme.matchAll(/docs\/screenshots\/([\w-]+\.png)/g)].map((m) => m[1]!))]
}

/** Screenshot names the e2e tests take (literal names passed to screenshot(page, '...')). */
export function e2eScreenshotNames(dir = join(root, 'tests', 'e2e')): Set<string> {
  const names = new Set<string>()
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.ts')) continue
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/screenshot\(page, '([\w-]+)'/g)) names.add(`${m[1]}.png`)
  }
  return names
}

/** Problems that would leave a README picture without a fresh source; empty when all is well. */
export function checkMapping(): string[] {
  const taken = e2eScreenshotNames()
  const problems: string[] = []
  for (const pic of readmePictures()) {
    const src = readmeScreenshots[pic]
    if (!src) problems.push(`README shows docs/screenshots/${pic}, which no e2e screenshot maps to`)
    else if (!taken.has(src)) problems.push(`docs/screenshots/${pic} comes from ${src}, which no e2e test takes any more`)
  }
  return problems
}

function main(): number {
  const problems = checkMapping()
  if (problems.length) {
    for (const p of problems) console.error(p)
    return 1
  }
  if (process.argv.includes('--check')) {
    console.log(`${readmePictures().length} README pictures, each taken by the e2e suite`)
    return 0
  }
  let copied = 0
  for (const [pic, src] of Object.entries(readmeScreenshots)) {
    const from = join(root, 'artifacts', 'screenshots', src)
    if (!existsSync(from)) {
      console.error(`${src} is missing: run the e2e suite first (npm run screenshots does both)`)
      return 1
    }
    copyFileSync(from, join(root, 'docs', 'screenshots', pic))
    copied++
  }
  console.log(`copied ${copied} screenshots into docs/screenshots/`)
  return 0
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main()
