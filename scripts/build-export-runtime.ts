// Compiles the exported bundles' runtime (predict.mjs, demo.js) into out/export-runtime/, where the
// built trainer finds it. Run after `electron-vite build`: tsx scripts/build-export-runtime.ts
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildRuntimeScripts } from '../src/main/engine/export/runtime-build'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'out', 'export-runtime')
const scripts = await buildRuntimeScripts(join(root, 'src', 'main', 'engine', 'export', 'runtime'))
mkdirSync(out, { recursive: true })
writeFileSync(join(out, 'predict.mjs'), scripts.predictMjs)
writeFileSync(join(out, 'demo.js'), scripts.demoJs)
process.stdout.write(`export runtime: predict.mjs ${scripts.predictMjs.length} bytes, demo.js ${scripts.demoJs.length} bytes -> ${out}\n`)
