import { mkdirSync, writeFileSync } from 'node:fs'
import { tempDir } from '../helpers/temp-dirs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createApp, type App } from '../../src/main/app'
import { startServer, type RunningServer } from '../../src/main/server'

let app: App
let server: RunningServer
let base: string

beforeAll(async () => {
  const home = tempDir('wb-server-')
  const rendererDir = join(home, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>shell</title>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  app = createApp({ home, mode: 'web' })
  server = await startServer({ app, rendererDir, port: 0 })
  base = `http://127.0.0.1:${server.port}`
})

afterAll(async () => {
  await server.close()
  await app.close()
})

/** The JSON envelope every API answer has. */
interface Envelope {
  ok: boolean
  result?: { mode?: string }
  error?: { code: string; message: string }
}
const json = async (res: Response) => (await res.json()) as Envelope

const auth = () => ({ Authorization: `Bearer ${server.token}` })
const post = (name: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...auth(), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

describe('web mode server', () => {
  it('binds to 127.0.0.1 and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(server.token.length).toBeGreaterThanOrEqual(32)
  })

  it('answers 401 to pages, assets, API and WebSocket without a token', async () => {
    expect((await fetch(`${base}/`)).status).toBe(401)
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(401)
    const api = await fetch(`${base}/api/app.info`, { method: 'POST' })
    expect(api.status).toBe(401)
    expect((await json(api)).error?.code).toBe('unauthorized')
    expect((await fetch(`${base}/api/app.info`, { method: 'POST', headers: { Authorization: 'Bearer wrong' } })).status).toBe(401)
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`)
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => resolve(200))
      ws.on('error', () => {})
    })
    expect(status).toBe(401)
  })

  it('trades the token in the link for an HttpOnly SameSite=Strict cookie that then opens everything', async () => {
    const first = await fetch(`${base}/?token=${server.token}`, { redirect: 'manual' })
    expect(first.status).toBe(302)
    expect(first.headers.get('location')).toBe('/')
    const cookie = first.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const jar = cookie.split(';')[0]
    const page = await fetch(`${base}/`, { headers: { Cookie: jar } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await page.text()).toContain('shell')
    expect((await fetch(`${base}/runs/abc`, { headers: { Cookie: jar } })).status).toBe(200) // client route -> shell
    const info = await fetch(`${base}/api/app.info`, { method: 'POST', headers: { Cookie: jar } })
    expect(info.status).toBe(200)
    expect((await json(info)).result?.mode).toBe('web')
  })

  it('refuses requests from another origin, even with a valid token', async () => {
    const res = await post('app.info', undefined, { Origin: 'http://evil.example' })
    expect(res.status).toBe(403)
    const ok = await post('app.info', undefined, { Origin: `http://127.0.0.1:${server.port}` })
    expect(ok.status).toBe(200)
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers: { ...auth(), Origin: 'http://evil.example' } })
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => resolve(200))
      ws.on('error', () => {})
    })
    expect(status).toBe(403)
  })

  it('refuses a forged Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/app.info', method: 'POST', headers: { Host: 'attacker.example', ...auth() } }, (res) => resolve(res.statusCode ?? 0))
      req.end()
    })
    expect(status).toBe(403)
  })

  it('answers a bad payload with a clear 4xx error naming the field', async () => {
    const res = await post('runs.get', { id: 42 })
    expect(res.status).toBe(400)
    const body = await json(res)
    expect(body.ok).toBe(false)
    expect(body.error?.code).toBe('bad_input')
    expect(body.error?.message).toMatch(/runs\.get/)
    expect(body.error?.message).toMatch(/id/)
    const notJson = await fetch(`${base}/api/runs.get`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth() }, body: '{oops' })
    expect(notJson.status).toBe(400)
    expect((await json(notJson)).error?.message).toMatch(/not valid JSON/)
    const unknown = await post('runs.explode', {})
    expect(unknown.status).toBe(404)
    const missing = await post('runs.get', { id: 'run_does_not_exist' })
    expect(missing.status).toBe(404)
  })

  it('does not serve files outside the renderer folder', async () => {
    const res = await fetch(`${base}/..%2f..%2fetc%2fpasswd`, { headers: auth() })
    expect([403, 404]).toContain(res.status)
    expect(await res.text()).not.toContain('root:')
  })

  it('streams service events over the WebSocket', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`, { headers: auth() })
    await new Promise((r) => ws.once('open', r))
    const got = new Promise<unknown>((r) => ws.once('message', (m) => r(JSON.parse(m.toString()))))
    app.events.emit('dataset', { type: 'error', jobId: 'j1', message: 'x' })
    expect(await got).toEqual({ channel: 'dataset', event: { type: 'error', jobId: 'j1', message: 'x' } })
    ws.close()
  })
})
