// Compiles the exported bundles' runtime (predict.mjs, demo.js) into out/export-runtime/, where the
// built trainer finds it. Run after `electron-vite build`: tsx scripts/build-export-runtime.ts
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildRuntimeScripts, runtimeFiles } from '../src/main/engine/export/runtime-build'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'out', 'export-runtime')
const scripts = await buildRuntimeScripts(join(root, 'src', 'main', 'engine', 'export', 'runtime'))
mkdirSync(out, { recursive: true })
for (const [key, file] of Object.entries(runtimeFiles)) writeFileSync(join(out, file), scripts[key as keyof typeof runtimeFiles])
process.stdout.write(`export runtime: ${Object.entries(runtimeFiles).map(([key, file]) => `${file} ${scripts[key as keyof typeof runtimeFiles].length} bytes`).join(', ')} -> ${out}\n`)
