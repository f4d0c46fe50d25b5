// Pinning the compute backend from the terminal (--backend, before the verb) and per run
// (train.backend, the setting the app's Advanced panel shows): the run records the backend with its
// description, and a pinned backend that cannot start fails with a plain sentence instead of falling back.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dirs'

const cli = join(process.cwd(), 'src/main/cli.ts')
const home = tempDir('wb-cli-backend-')
function workbench(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env }
  delete env.WORKBENCH_BACKEND
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--home', home, ...args], { encoding: 'utf8', env, timeout: 240_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}
const gpuInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu')
    return true
  } catch {
    return false
  }
})()
const tiny = ['train.epochs=1', 'model.dModel=16', 'model.nHeads=2', 'model.nLayers=1', 'model.seqLen=16', 'train.batchSize=16'].flatMap((s) => ['--set', s])
const pinnedGpu = /^The compute backend is pinned to tensorflow-gpu, and it could not start: @tensorflow\/tfjs-node-gpu is not installed \(it needs an NVIDIA GPU/

describe('pinning the compute backend', () => {
  it('an unknown --backend is bad input that lists the backends', () => {
    const r = workbench('--backend', 'gpu', 'datasets', 'list')
    expect(r.code).toBe(1)
    expect(r.stderr.trim()).toBe('--backend "gpu" is not a compute backend; use one of: auto, tensorflow-gpu, webgpu, tensorflow, wasm, cpu')
  })

  it.skipIf(gpuInstalled)('--backend tensorflow-gpu where it is not installed stops before any work, in one sentence', () => {
    const r = workbench('--backend', 'tensorflow-gpu', 'datasets', 'list', '--json')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(pinnedGpu)
  })

  it('--backend cpu trains on cpu and the run records it in words; a run pinned to a backend that cannot start fails with the sentence', () => {
    const rows = ['text,label']
    for (let i = 0; i < 60; i++) rows.push(`"the film was ${i % 2 ? 'great' : 'awful'} ${i}",${i % 2 ? 'positive' : 'negative'}`)
    writeFileSync(join(home, 'films.csv'), rows.join('\n'))
    const imported = workbench('import', join(home, 'films.csv'), '--json')
    expect(imported.code, imported.stderr).toBe(0)
    const ds = JSON.parse(imported.stdout) as { id: string }

    const trained = workbench('--backend', 'cpu', 'train', '--dataset', ds.id, ...tiny, '--json')
    expect(trained.code, trained.stderr).toBe(0)
    const run = JSON.parse(trained.stdout) as { id: string; backend: string; backendDetail: string; config: { train: { backend: string } } }
    expect(run.backend).toBe('cpu')
    expect(run.backendDetail).toMatch(/^Plain JavaScript/)
    expect(workbench('runs', 'show', run.id).stdout).toMatch(/^computed on: Plain JavaScript/m)
    expect(run.config.train.backend).toBe('auto')

    const bad = workbench('train', '--dataset', ds.id, ...tiny, '--set', 'train.backend=gpu')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/train\.backend/)

    if (gpuInstalled) return
    const pinned = workbench('train', '--dataset', ds.id, ...tiny, '--set', 'train.backend=tensorflow-gpu', '--json')
    const failed = JSON.parse(pinned.stdout) as { status: string; error: string; config: { train: { backend: string } } }
    expect(failed.config.train.backend).toBe('tensorflow-gpu')
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(pinnedGpu)
  }, 240_000)
})
