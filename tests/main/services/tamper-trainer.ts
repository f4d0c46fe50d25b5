// A trainer process whose exported weights get corrupted on their way to disk: it nudges the head
// bias inside group1-shard1of1.bin as it is written, then runs the real trainer entry. Used to prove
// that the export check catches a bundle that differs from the app's model.
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { dirname, join } from 'node:path'

const write = fs.writeFileSync
fs.writeFileSync = ((path: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, options?: fs.WriteFileOptions) => {
  if (typeof path === 'string' && path.endsWith('group1-shard1of1.bin') && typeof data !== 'string') {
    const manifest = JSON.parse(fs.readFileSync(join(dirname(path), 'model.json'), 'utf8')) as { weightsManifest: { weights: { name: string; shape: number[] }[] }[] }
    let offset = 0
    for (const w of manifest.weightsManifest[0].weights) {
      if (w.name === 'head/b') break
      offset += w.shape.reduce((a, b) => a * b, 1) * 4
    }
    const bytes = Buffer.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    bytes.writeFloatLE(bytes.readFloatLE(offset) + 3, offset)
    data = bytes
  }
  return write(path, data, options)
}) as typeof fs.writeFileSync
syncBuiltinESMExports()

await import('../../../src/main/trainer/index')
