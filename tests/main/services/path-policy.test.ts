// Web mode: a caller holding the token may name only paths inside the data folder (reads), its
// exports/ folder (writes) and folders the user allowed; desktop and terminal are not limited.
import { spawn } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../../src/main/app'
import { isLoopback } from '../../../src/main/cli/verbs/export'
import { allowedFromEnv, createPathPolicy } from '../../../src/main/services/path-policy'
import { tempDir } from '../../helpers/temp-dirs'

const root = tempDir('wb-paths-')
const home = join(root, 'home')
const outside = join(root, 'outside')
mkdirSync(home)
mkdirSync(outside)
writeFileSync(join(outside, 'secret.csv'), 'text,label\nsecret,a\nother,b\n')
writeFileSync(join(home, 'mine.csv'), 'text,label\nmine,a\nyours,b\n')

describe('web-mode path policy', () => {
  it('reads only under the data folder and allowed folders, writes only under exports/ and allowed folders', () => {
    const p = createPathPolicy(home, [])
    expect(() => p.check(join(home, 'mine.csv'), 'read')).not.toThrow()
    expect(() => p.check(join(outside, 'secret.csv'), 'read')).toThrow(/files are read only from/)
    expect(() => p.check('/etc/passwd', 'read')).toThrow(/Upload "\/etc\/passwd" instead/)
    expect(() => p.check(join(home, 'exports', 'new', 'deeper'), 'write')).not.toThrow()
    expect(() => p.check(join(home, 'runs'), 'write')).toThrow(/exports are written only under/)
    expect(() => p.check(join(home, '..', 'outside'), 'read')).toThrow()
    p.allow([outside])
    expect(() => p.check(join(outside, 'secret.csv'), 'read')).not.toThrow()
    expect(() => p.check(join(outside, 'out'), 'write')).not.toThrow()
  })

  it('follows links: a link inside the data folder pointing outside is refused', () => {
    const link = join(home, 'link')
    symlinkSync(outside, link)
    const p = createPathPolicy(home, [])
    expect(() => p.check(join(link, 'secret.csv'), 'read')).toThrow(/read only from/)
    expect(() => p.check(join(home, 'exports', '..', 'link', 'x'), 'write')).toThrow()
  })

  it('takes allowed folders from WORKBENCH_ALLOW_DIRS', () => {
    const p = createPathPolicy(home, allowedFromEnv({ WORKBENCH_ALLOW_DIRS: [outside, join(root, 'also')].join(delimiter) }))
    expect(p.roots().read).toEqual(expect.arrayContaining([outside, join(root, 'also')]))
  })

  it('applies to web-mode calls (inspect, import, bundle import, export) and not to the terminal', async () => {
    const web = createApp({ home, mode: 'web', recover: false })
    const secret = { source: { kind: 'path', path: join(outside, 'secret.csv') } }
    await expect(web.call('datasets.inspect', secret)).rejects.toThrow(/read only from/)
    await expect(web.call('datasets.import', secret)).rejects.toThrow(/read only from/)
    await expect(web.call('exports.importBundle', secret)).rejects.toThrow(/read only from/)
    await expect(web.call('exports.create', { runId: 'run_x', outDir: '/tmp/anywhere', formats: ['tfjs'] })).rejects.toThrow(/written only under/)
    const own = (await web.call('datasets.inspect', { source: { kind: 'path', path: join(home, 'mine.csv') } })) as { columns: string[] }
    expect(own.columns).toEqual(['text', 'label'])
    await web.close()
    const terminal = createApp({ home, mode: 'terminal', recover: false })
    const seen = (await terminal.call('datasets.inspect', secret)) as { columns: string[] }
    expect(seen.columns).toEqual(['text', 'label'])
    await terminal.close()
  })
})

describe('serve --host', () => {
  it('knows which addresses only this machine can reach', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(h), h).toBe(true)
    for (const h of ['0.0.0.0', '::', '192.168.1.2', 'example.com', '127.0.0.1.example.com']) expect(isLoopback(h), h).toBe(false)
  })

  it('refuses a non-loopback host without --allow-remote, naming the flag', async () => {
    const cli = join(process.cwd(), 'src/main/cli.ts')
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--home', home, 'serve', '--host', '0.0.0.0', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const code = await new Promise<number | null>((r) => child.on('close', r))
    expect(code).toBe(1)
    expect(stderr).toMatch(/--host 0\.0\.0\.0 would let other machines reach the app.*--allow-remote/)
  })
})
