// The terminal's bases verbs end to end (from source under tsx, the trainer process for encode):
// import --json gives the contract's fields, list/show find it, encode gives one hidden row per token
// equal to the engine's own forward pass, delete removes it, and a refusal exits 1 with one line.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { initBackend } from '../../src/main/engine/backend'
import { hiddenStates, loadBase } from '../../src/main/engine/bases/base-model'
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
  it('imports, lists, shows, encodes and deletes a base', async () => {
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

  it('refuses a folder without safetensors with exit 1 and one line', () => {
    const home = tempDir('wb-cli-bases-')
    const r = workbench(home, 'bases', 'import', home)
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/no config\.json/)
  })
})
