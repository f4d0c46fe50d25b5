// Web-mode downloads: a signed-in browser gets the files of verified exports, and nothing else.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../src/main/app'
import { startServer, type RunningServer } from '../../src/main/server'
import { openDb } from '../../src/main/store/db'
import { createExportsRepo } from '../../src/main/store/exports-repo'

let app: App
let server: RunningServer
let second: RunningServer
let base: string
let home: string
let exportDir: string
let otherDir: string

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'wb-download-'))
  const rendererDir = join(home, 'renderer')
  mkdirSync(rendererDir, { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>shell</title>')
  app = createApp({ home, mode: 'web' })
  // A verified export and a folder that is not one.
  exportDir = join(home, 'exports', 'one')
  otherDir = join(home, 'exports', 'not-verified')
  mkdirSync(exportDir, { recursive: true })
  mkdirSync(otherDir, { recursive: true })
  writeFileSync(join(exportDir, 'model-bundle.zip'), Buffer.from([0x50, 0x4b, 3, 4, 9, 9]))
  writeFileSync(join(exportDir, 'predict.mjs'), 'console.log(1)\n')
  writeFileSync(join(otherDir, 'secret.txt'), 'no')
  writeFileSync(join(home, 'outside.txt'), 'no')
  symlinkSync(join(home, 'outside.txt'), join(exportDir, 'link.txt'))
  const db = openDb(join(home, 'workbench.db'))
  db.prepare(`INSERT INTO runs (id, name, status, created_at, config_json, run_dir) VALUES ('run_x', 'x', 'completed', '2026-01-01', '{}', ?)`).run(join(home, 'runs', 'run_x'))
  createExportsRepo(db).insert({ id: 'exp_1', runId: 'run_x', createdAt: '2026-01-01', outDir: exportDir, formats: ['tfjs', 'zip'], ok: true, verification: {} })
  db.close()
  server = await startServer({ app, rendererDir, port: 0 })
  second = await startServer({ app, rendererDir, port: 0 })
  base = `http://127.0.0.1:${server.port}`
})

afterAll(async () => {
  await second.close()
  await server.close()
  await app.close()
})

async function signIn(s: RunningServer): Promise<string> {
  const first = await fetch(`http://127.0.0.1:${s.port}/?token=${s.token}`, { redirect: 'manual' })
  return (first.headers.get('set-cookie') ?? '').split(';')[0]
}
const url = (dir: string, file: string) => `${base}/download?dir=${encodeURIComponent(dir)}&file=${encodeURIComponent(file)}`

describe('web-mode downloads', () => {
  it('sends a verified export file as an attachment to a signed-in browser', async () => {
    const jar = await signIn(server)
    const res = await fetch(url(exportDir, 'model-bundle.zip'), { headers: { Cookie: jar } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="model-bundle.zip"')
    expect([...new Uint8Array(await res.arrayBuffer())]).toEqual([0x50, 0x4b, 3, 4, 9, 9])
    const js = await fetch(url(exportDir, 'predict.mjs'), { headers: { Cookie: jar } })
    expect(await js.text()).toBe('console.log(1)\n')
  })

  it('refuses without the token, outside verified exports, through links and with path tricks', async () => {
    expect((await fetch(url(exportDir, 'model-bundle.zip'))).status).toBe(401)
    const jar = await signIn(server)
    const status = async (dir: string, file: string) => (await fetch(url(dir, file), { headers: { Cookie: jar } })).status
    expect(await status(otherDir, 'secret.txt')).toBe(404)
    expect(await status(exportDir, '../not-verified/secret.txt')).toBe(404)
    expect(await status(exportDir, '..')).toBe(404)
    expect(await status(exportDir, 'link.txt')).toBe(404)
    expect(await status(exportDir, 'missing.bin')).toBe(404)
    expect(await status(join(exportDir, '..', 'one'), '.hidden')).toBe(404)
    expect((await fetch(`${base}/download`, { headers: { Cookie: jar } })).status).toBe(400)
    expect((await fetch(url(exportDir, 'predict.mjs'), { method: 'POST', headers: { Cookie: jar } })).status).toBe(405)
  })

  it('names the cookie per port, so signing in to a second server keeps the first one signed in', async () => {
    const a = await signIn(server)
    const b = await signIn(second)
    expect(a.split('=')[0]).not.toBe(b.split('=')[0])
    // A browser sends every cookie of the host to both ports: each server reads only its own.
    const both = `${a}; ${b}`
    expect((await fetch(`${base}/api/app.info`, { method: 'POST', headers: { Cookie: both } })).status).toBe(200)
    expect((await fetch(`http://127.0.0.1:${second.port}/api/app.info`, { method: 'POST', headers: { Cookie: both } })).status).toBe(200)
  })
})
