// Parts of the terminal contract the README promises: where data lives, exit code 2 for internal
// failures, and the export verb writing a verified bundle that runs on its own.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const cli = join(process.cwd(), 'src/main/cli.ts')
const dirs: string[] = []
function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** Runs the terminal entry with exactly the given environment (no inherited data-folder variables). */
function workbench(args: string[], env: Record<string, string> = {}) {
  const base: Record<string, string> = { PATH: process.env.PATH ?? '', WORKBENCH_BACKEND: 'cpu' }
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', env: { ...base, ...env }, timeout: 240_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('where the terminal keeps its data', () => {
  it('uses --home first, then WORKBENCH_HOME, then the per-user data folder', () => {
    const root = temp('wb-where-')
    const flagHome = join(root, 'flag')
    const envHome = join(root, 'env')
    const xdg = join(root, 'xdg')
    const user = join(root, 'user')

    // --home wins over WORKBENCH_HOME.
    let r = workbench(['--home', flagHome, 'datasets', 'list', '--json'], { WORKBENCH_HOME: envHome, HOME: user })
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(join(flagHome, 'workbench.db'))).toBe(true)
    expect(existsSync(envHome)).toBe(false)

    // WORKBENCH_HOME wins over the platform folder.
    r = workbench(['datasets', 'list', '--json'], { WORKBENCH_HOME: envHome, HOME: user, XDG_DATA_HOME: xdg })
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(join(envHome, 'workbench.db'))).toBe(true)
    expect(existsSync(xdg)).toBe(false)

    if (process.platform === 'linux') {
      // Linux: $XDG_DATA_HOME/attention-workbench, else ~/.local/share/attention-workbench.
      r = workbench(['datasets', 'list', '--json'], { HOME: user, XDG_DATA_HOME: xdg })
      expect(r.code, r.stderr).toBe(0)
      expect(existsSync(join(xdg, 'attention-workbench', 'workbench.db'))).toBe(true)
      r = workbench(['datasets', 'list', '--json'], { HOME: user })
      expect(r.code, r.stderr).toBe(0)
      expect(existsSync(join(user, '.local', 'share', 'attention-workbench', 'workbench.db'))).toBe(true)
    }
  })

  it('sees in one home what another command wrote there, and nothing of another home', () => {
    const a = temp('wb-home-a-')
    const b = temp('wb-home-b-')
    const csv = join(a, 'tiny.csv')
    writeFileSync(csv, ['text,label', ...Array.from({ length: 40 }, (_, i) => `row ${i} ${i % 2 ? 'good' : 'bad'},${i % 2 ? 'pos' : 'neg'}`)].join('\n'))
    expect(workbench(['--home', a, 'import', csv, '--json']).code).toBe(0)
    expect(JSON.parse(workbench(['--home', a, 'datasets', 'list', '--json']).stdout)).toHaveLength(1)
    expect(JSON.parse(workbench(['datasets', 'list', '--json'], { WORKBENCH_HOME: a }).stdout)).toHaveLength(1)
    expect(JSON.parse(workbench(['--home', b, 'datasets', 'list', '--json']).stdout)).toHaveLength(0)
  })
})

describe('exit codes', () => {
  it('exits 2 with a one-line message and nothing on stdout when the store itself is broken', () => {
    const h = temp('wb-broken-')
    // Not a SQLite file: opening the store fails inside the app, not because of the command line.
    writeFileSync(join(h, 'workbench.db'), Buffer.alloc(8192, 0x5a))
    const r = workbench(['--home', h, 'datasets', 'list', '--json'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr.trim().length).toBeGreaterThan(0)
  })
})

describe('settings the terminal does not know', () => {
  it('refuses an unknown --set name in one sentence naming the nearest known one, and starts nothing', () => {
    const h = temp('wb-set-')
    const rows = ['text,label']
    for (let i = 0; i < 40; i++) rows.push(`"text number ${i}",${i % 2 ? 'a' : 'b'}`)
    const csv = join(h, 'small.csv')
    writeFileSync(csv, rows.join('\n'))
    const ds = JSON.parse(workbench(['--home', h, 'import', csv, '--json']).stdout)
    const r = workbench(['--home', h, 'train', '--dataset', ds.id, '--preset', 'quick', '--set', 'train.lerningRate=0.001', '--json'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('There is no setting "train.lerningRate"; the nearest known one is "train.learningRate".')
    expect(JSON.parse(workbench(['--home', h, 'runs', 'list', '--json']).stdout)).toHaveLength(0)
  })
})

describe('export verb', () => {
  it('writes a verified bundle whose predict.mjs answers like `workbench predict`', () => {
    const h = temp('wb-export-')
    const rows = ['text,label']
    const pos = ['great', 'lovely', 'superb', 'wonderful']
    const neg = ['awful', 'dreadful', 'poor', 'terrible']
    for (let i = 0; i < 80; i++) rows.push(`"the film was ${i % 2 ? pos[i % 4] : neg[i % 4]} today",${i % 2 ? 'positive' : 'negative'}`)
    const csv = join(h, 'reviews.csv')
    writeFileSync(csv, rows.join('\n'))
    const ds = JSON.parse(workbench(['--home', h, 'import', csv, '--json']).stdout)
    const sets = ['train.epochs=2', 'model.dModel=16', 'model.nHeads=2', 'model.seqLen=16', 'train.batchSize=8'].flatMap((s) => ['--set', s])
    const trained = workbench(['--home', h, 'train', '--dataset', ds.id, '--preset', 'quick', ...sets, '--json'])
    expect(trained.code, trained.stderr).toBe(0)
    const run = JSON.parse(trained.stdout)

    const out = join(h, 'bundle')
    const exported = workbench(['--home', h, 'export', '--run', run.id, '--out', out, '--format', 'all', '--json'])
    expect(exported.code, exported.stderr).toBe(0)
    const res = JSON.parse(exported.stdout)
    expect(res.verification.ok).toBe(true)
    expect(res.verification.rows).toBeGreaterThan(0)
    for (const f of ['model.json', 'predict.mjs', 'index.html', 'model.onnx']) expect(existsSync(join(out, f)), f).toBe(true)
    expect(readFileSync(join(out, 'model.json'), 'utf8')).toMatch(/modelTopology/)

    // The bundle's own script, in a fresh process, agrees with the app on a new text.
    const text = 'the film was lovely today'
    const app = JSON.parse(workbench(['--home', h, 'predict', '--run', run.id, '--text', text, '--json']).stdout)
    // predict.mjs needs only @tensorflow/tfjs beside the bundle.
    mkdirSync(join(out, 'node_modules'))
    symlinkSync(join(process.cwd(), 'node_modules', '@tensorflow'), join(out, 'node_modules', '@tensorflow'), 'dir')
    const bundle = spawnSync(process.execPath, ['predict.mjs', '--json', text], { encoding: 'utf8', cwd: out, env: { PATH: process.env.PATH ?? '', HOME: out }, timeout: 120_000 })
    expect(bundle.status, bundle.stderr).toBe(0)
    const fromBundle = JSON.parse(bundle.stdout) as { label: string; probabilities: Record<string, number> }
    expect(fromBundle.label).toBe(app.label)
    for (const [label, p] of Object.entries(app.probabilities as Record<string, number>)) expect(Math.abs(fromBundle.probabilities[label] - p)).toBeLessThan(1e-4)

    // An unknown format is bad input (exit 1), and nothing is written for it.
    const bad = workbench(['--home', h, 'export', '--run', run.id, '--out', join(h, 'other'), '--format', 'pdf'])
    expect(bad.code).toBe(1)
    expect(existsSync(join(h, 'other'))).toBe(false)

    // --model baseline: the classic baseline trained beside the run, verified the same way.
    const classic = join(h, 'classic')
    const b = workbench(['--home', h, 'export', '--run', run.id, '--out', classic, '--model', 'baseline', '--json'])
    expect(b.code, b.stderr).toBe(0)
    const bRes = JSON.parse(b.stdout)
    expect(bRes).toMatchObject({ model: 'baseline', verification: { ok: true } })
    for (const f of ['vectorizer.json', 'model.json', 'predict.mjs', 'index.html']) expect(existsSync(join(classic, f)), f).toBe(true)
    const badModel = workbench(['--home', h, 'export', '--run', run.id, '--out', join(h, 'other'), '--model', 'svm'])
    expect(badModel.code).toBe(1)
    expect(badModel.stderr).toMatch(/Unknown --model "svm"/)
  })
})
