// Property: any bytes offered as a model bundle (.zip or folder) end as a parsed bundle or a
// plain refusal (UserError), within a memory bound: never a crash or an internal error.
import fc from 'fast-check'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { UserError } from '../../src/shared/api'
import { parseBundle, readBundleSource } from '../../src/main/engine/export/read-bundle'
import { buildZip, text } from '../helpers/zip-builder'
import { fuzzParams, mutated } from './fuzz-runs'
import { tempDir } from '../helpers/temp-dirs'

const dir = tempDir('wb-fuzz-bundle-')
let n = 0

/** Read and parse `path`; a UserError is a fine ending, anything else fails the property. */
async function endsWell(path: string): Promise<void> {
  try {
    parseBundle(await readBundleSource(path))
  } catch (err) {
    if (!(err instanceof UserError)) throw err
    expect(err.message).not.toMatch(/Internal error|Maximum call stack|\[object Object\]/)
  }
}

/** The shape of a bundle: every file parseBundle reads, with plausible contents. */
function plausibleFiles(extra: Record<string, unknown> = {}): Record<string, string> {
  const model = { format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'embed/tok', shape: [4, 2], dtype: 'float32' }] }] }
  const meta = { format: 'attention-workbench-bundle', version: 1, spec: { dims: { vocabSize: 4, dModel: 2, nLayers: 0, arch: 'bag' }, nClasses: 2 }, weights: [{ name: 'embed/tok', shape: [4, 2] }], labels: ['a', 'b'], run: {}, training: {} }
  return {
    'model.json': JSON.stringify(model),
    'workbench.json': JSON.stringify(meta),
    'tokenizer.json': JSON.stringify({ format: 'attention-workbench-tokenizer' }),
    'labels.json': JSON.stringify(['a', 'b']),
    'preprocessing.json': JSON.stringify({ format: 'attention-workbench-preprocessing', seqLen: 8 }),
    'checks.json': JSON.stringify({ texts: ['x'], probabilities: [[0.5, 0.5]] }),
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, JSON.stringify(v)])),
  }
}

async function zipOf(files: Record<string, string | Uint8Array>): Promise<Buffer> {
  return buildZip(Object.entries(files).map(([name, data]) => ({ name, chunks: typeof data === 'string' ? text(data) : () => [data] })))
}

describe('fuzzing bundle import', () => {
  it('arbitrary bytes as a .zip end as a bundle or a plain refusal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 4096 }), async (bytes) => {
        const p = join(dir, `b${++n}.zip`)
        writeFileSync(p, Buffer.concat([Buffer.from('PK'), bytes]))
        await endsWell(p)
      }),
      fuzzParams(100),
    )
  })

  it('mutations of a plausible bundle .zip end well', async () => {
    const valid = await zipOf({ ...plausibleFiles(), 'group1-shard1of1.bin': new Uint8Array(32) })
    await fc.assert(
      fc.asyncProperty(mutated(valid), async (bytes) => {
        const p = join(dir, `m${++n}.zip`)
        writeFileSync(p, bytes)
        await endsWell(p)
      }),
      fuzzParams(150),
    )
  })

  it('arbitrary JSON in each of the bundle\'s files (zip and folder) ends well', async () => {
    const names = ['model.json', 'workbench.json', 'tokenizer.json', 'labels.json', 'preprocessing.json', 'checks.json']
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.jsonValue({ maxDepth: 6 }), fc.uint8Array({ maxLength: 64 }), async (name, value, weights) => {
        const files = { ...plausibleFiles({ [name]: value }), 'group1-shard1of1.bin': weights }
        const p = join(dir, `j${++n}.zip`)
        writeFileSync(p, await zipOf(files))
        await endsWell(p)
        const folder = join(dir, `f${n}`)
        mkdirSync(folder)
        for (const [f, d] of Object.entries(files)) writeFileSync(join(folder, f), d)
        await endsWell(folder)
      }),
      fuzzParams(100),
    )
  })

  it('stays within a memory bound', () => {
    expect(process.memoryUsage().rss).toBeLessThan(2 * 1024 ** 3)
  })
})
