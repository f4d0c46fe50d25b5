// The terminal's bases verbs end to end (from source under tsx, the trainer process for encode):
// import --json gives the contract's fields, list/show find it, encode gives one hidden row per token
// equal to the engine's own forward pass, delete removes it, and a refusal exits 1 with one line.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { initBackend } from '../../src/main/engine/backend'
import { bodyHiddenStates, hiddenStates, loadBase } from '../../src/main/engine/bases/base-model'
import { loadModel } from '../../src/main/engine/predict'
import { tempDir } from '../helpers/temp-dirs'

const cli = join(process.cwd(), 'src/main/cli.ts')
const FIXTURES = join(__dirname, '..', 'fixtures', 'bases')
function workbench(home: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--home', home, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WORKBENCH_BACKEND: 'cpu' },
    timeout: 240_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('workbench bases', () => {
  it('imports, lists, shows, encodes and deletes a base', { timeout: 300_000 }, async () => {
    const home = tempDir('wb-cli-bases-')
    const imp = workbench(home, 'bases', 'import', join(FIXTURES, 'roberta-tiny'), '--name', 'rob', '--json')
    expect(imp.stderr.includes('Error') ? imp.stderr : '').toBe('')
    expect(imp.code).toBe(0)
    const base = JSON.parse(imp.stdout) as Record<string, unknown>
    expect(base).toMatchObject({ name: 'rob', family: 'roberta', vocabSize: 381, maxLength: 40, runId: null })
    expect(typeof base.id).toBe('string')
    expect(base.params).toBeGreaterThan(10_000)

    const list = JSON.parse(workbench(home, 'bases', 'list', '--json').stdout) as { id: string }[]
    expect(list.map((b) => b.id)).toEqual([base.id])
    const show = workbench(home, 'bases', 'show', String(base.id))
    expect(show.stdout).toMatch(/family: roberta/)

    const enc = workbench(home, 'bases', 'encode', String(base.id), '--text', 'Hello world, café!', '--json')
    expect(enc.code).toBe(0)
    const r = JSON.parse(enc.stdout) as { tokens: string[]; ids: number[]; hidden: number[][] }
    expect(r.tokens[0]).toBe('<s>')
    expect(r.tokens.at(-1)).toBe('</s>')
    expect(r.hidden).toHaveLength(r.ids.length)
    await initBackend(['cpu'])
    const local = loadBase(join(home, 'bases', String(base.id)))
    const want = await hiddenStates(local, r.ids)
    local.dispose()
    let diff = 0
    want.forEach((row, t) => row.forEach((v, d) => (diff = Math.max(diff, Math.abs(v - r.hidden[t][d])))))
    expect(diff).toBeLessThan(1e-6)

    expect(workbench(home, 'bases', 'delete', String(base.id)).code).toBe(0)
    expect(JSON.parse(workbench(home, 'bases', 'list', '--json').stdout)).toEqual([])
  })

  it('lists a pretraining run as a base as soon as it completes, and encodes through it', { timeout: 300_000 }, async () => {
    const home = tempDir('wb-cli-bases-')
    const csv = join(home, 'notes.csv')
    const words = ['river', 'stone', 'garden', 'winter', 'lamp', 'paper', 'window', 'harbour']
    const rows = ['text,label', ...Array.from({ length: 40 }, (_, i) => `${words[i % 8]} near the ${words[(i * 3) % 8]} by the ${words[(i * 5) % 8]},${i % 2 ? 'a' : 'b'}`)]
    writeFileSync(csv, rows.join('\n'))
    const ds = JSON.parse(workbench(home, 'import', csv, '--name', 'notes', '--json').stdout) as { id: string }
    const small = ['model.dModel=16', 'model.nHeads=2', 'model.nLayers=1', 'model.seqLen=12', 'train.epochs=1', 'tokenizer.kind=word', 'tokenizer.vocabSize=64']
    const t = workbench(home, 'train', '--dataset', ds.id, '--set', 'task=pretrain', ...small.flatMap((s) => ['--set', s]), '--json')
    expect(t.code).toBe(0)
    const run = JSON.parse(t.stdout) as { id: string; status: string }
    expect(run.status).toBe('completed')

    // The next command after train returns already sees the base.
    const list = JSON.parse(workbench(home, 'bases', 'list', '--json').stdout) as { id: string; runId: string | null; source: string; family: string; maxLength: number }[]
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({ runId: run.id, source: 'pretrain', family: 'encoder', maxLength: 13 })

    const enc = workbench(home, 'bases', 'encode', list[0].id, '--text', 'the river near the lamp', '--json')
    expect(enc.stderr.includes('Error') ? enc.stderr : '').toBe('')
    expect(enc.code).toBe(0)
    const r = JSON.parse(enc.stdout) as { tokens: string[]; ids: number[]; hidden: number[][] }
    expect(r.tokens).toEqual(['[CLS]', 'the', 'river', 'near', 'the', 'lamp'])
    expect(r.ids).toHaveLength(6)
    expect(r.hidden).toHaveLength(6)
    expect(r.hidden.every((row) => row.length === 16)).toBe(true)
    // The rows are the saved model's own last-layer states for these ids.
    await initBackend(['cpu'])
    const m = await loadModel(join(home, 'runs', run.id, 'model'))
    const want = await bodyHiddenStates(m.model.spec.dims, m.model.params, r.ids)
    m.dispose()
    let diff = 0
    want.forEach((row, i) => row.forEach((v, d) => (diff = Math.max(diff, Math.abs(v - r.hidden[i][d])))))
    expect(diff).toBeLessThan(1e-6)
    // A text longer than the base's length is cut to it ([CLS] included).
    const long = JSON.parse(workbench(home, 'bases', 'encode', list[0].id, '--text', words.join(' ').repeat(3), '--json').stdout) as { tokens: string[] }
    expect(long.tokens).toHaveLength(12)
  })

  it('refuses a folder without safetensors with exit 1 and one line', () => {
    const home = tempDir('wb-cli-bases-')
    const r = workbench(home, 'bases', 'import', home)
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/no config\.json/)
  })
})
