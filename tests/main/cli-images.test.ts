// Images end to end through the terminal, the datasets and runs services and a trainer process: a folder with
// a sub-folder per label imported as an image dataset, a ViT trained on it (images read at the run's size,
// augmentation on) and scored on the test images by the trainer, with the pixel baseline beside it; a picture
// edited after import is refused by name.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dirs'
import { writeBlockFolder } from '../helpers/tiny-images'

const cli = join(process.cwd(), 'src/main/cli.ts')
function workbench(home: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--home', home, ...args], { encoding: 'utf8', env: { ...process.env, WORKBENCH_BACKEND: 'wasm' }, timeout: 280_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('image classification from the terminal', () => {
  it('imports a folder of images, trains a ViT beside the pixel baseline, and refuses an image changed since', { timeout: 300_000 }, async () => {
    const home = tempDir('wb-cli-images-')
    const root = await writeBlockFolder(join(home, 'blocks'), 60)
    const imported = workbench(home, 'import', root, '--kind', 'image', '--json')
    expect(imported.code, imported.stderr).toBe(0)
    const ds = JSON.parse(imported.stdout) as { id: string; kind: string; rowCount: number; labelCounts: Record<string, number> }
    expect(ds).toMatchObject({ kind: 'image', rowCount: 120, labelCounts: { top: 60, bottom: 60 } })

    const settings = ['image.size=16', 'image.channels=1', 'model.dModel=32', 'model.nHeads=2', 'model.nLayers=1', 'train.epochs=12', 'train.batchSize=16', 'train.learningRate=0.003', 'train.patience=0']
    const r = workbench(home, 'train', '--dataset', ds.id, ...settings.flatMap((s) => ['--set', s]), '--json')
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/Images: 16 x 16 grey, 2 x 2 patches \(64 tokens \+ \[CLS\]\)/)
    const run = JSON.parse(r.stdout) as { status: string; metrics: { accuracy: number; split: string; baseline: { kind: string; accuracy: number } } }
    expect(run.status).toBe('completed')
    expect(run.metrics.split).toBe('test')
    expect(run.metrics.accuracy).toBeGreaterThanOrEqual(0.9)
    expect(run.metrics.baseline).toMatchObject({ kind: 'pixels-logreg' })

    // Try it: an image through the predict call, with where [CLS] looked on the 8 x 8 grid of patches.
    const p = workbench(home, 'predict', '--run', (JSON.parse(r.stdout) as { id: string }).id, '--image', join(root, 'top', 'top-1.jpg'), '--attention', '--json')
    expect(p.code, p.stderr).toBe(0)
    const pred = JSON.parse(p.stdout) as { label: string; image: { grid: number; rollout: number[]; heads: number[][][] } }
    expect(pred.label).toBe('top')
    expect(pred.image.grid).toBe(8)
    expect(pred.image.rollout).toHaveLength(64)
    expect(pred.image.heads.map((layer) => layer.map((head) => head.length))).toEqual([[64, 64]])
    const text = workbench(home, 'predict', '--run', (JSON.parse(r.stdout) as { id: string }).id, '--text', 'a photo of a block', '--json')
    expect(text.code).toBe(1)
    expect(text.stderr).toMatch(/This model reads images: send a PNG, JPEG, WebP or GIF image/)

    writeFileSync(join(root, 'top', 'top-0.png'), await (await import('sharp')).default({ create: { width: 24, height: 24, channels: 3, background: '#000' } }).png().toBuffer())
    const again = workbench(home, 'train', '--dataset', ds.id, ...settings.flatMap((s) => ['--set', s]), '--json')
    expect(again.code).not.toBe(0)
    expect(again.stderr).toMatch(/"top\/top-0.png" has changed since the dataset was imported/)
  })
})
