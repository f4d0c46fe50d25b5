// The log file: rotation by size, the problems the diagnostics report shows, renderer errors and
// trainer crashes arriving in it, and a diagnostics report that carries no user data.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type App } from '../../src/main/app'
import { configureLog, log, logFileName, recentProblems } from '../../src/main/logger'
import { redact } from '../../src/main/services/diagnostics'
import { createNodeSpawner, runJob } from '../../src/main/services/trainer-host'

const apps: App[] = []
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close()
})

describe('log file', () => {
  it('rotates by size and keeps a fixed number of old files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-log-'))
    configureLog({ dir, source: 'test', maxBytes: 1000, keep: 2 })
    for (let i = 0; i < 100; i++) log('info', `line ${i} ${'x'.repeat(50)}`)
    expect(readdirSync(dir).sort()).toEqual(['workbench.1.log', 'workbench.2.log', logFileName])
    const current = readFileSync(join(dir, logFileName), 'utf8')
    expect(current).toMatch(/line 99 x+\n$/)
    expect(current.length).toBeLessThan(1200)
    // The oldest lines were dropped with the file that fell off the end.
    const all = ['workbench.2.log', 'workbench.1.log', logFileName].map((f) => readFileSync(join(dir, f), 'utf8')).join('')
    expect(all).not.toMatch(/line 0 /)
    expect(all).toMatch(/^\S+ INFO {2}\[test \d+\] line \d+ /)
  })

  it('reports the last warnings and errors, not the info lines', () => {
    configureLog({ dir: mkdtempSync(join(tmpdir(), 'wb-log-')), source: 'test' })
    log('info', 'all fine')
    log('warn', 'disk nearly full')
    log('error', 'it broke', new Error('boom'))
    const problems = recentProblems(10)
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/WARN .* disk nearly full$/)
    expect(problems[1]).toMatch(/ERROR .* it broke$/)
  })

  it('gets renderer errors and trainer crashes, and the diagnostics report names neither paths nor data', async () => {
    const home = mkdtempSync(join(tmpdir(), 'wb-log-home-'))
    const app = createApp({ home, mode: 'web', openPath: async () => false })
    apps.push(app)
    await app.call('app.reportError', { message: `Cannot read "${join(home, 'secret-reviews.csv')}"`, where: 'vue: render' })
    const crashing = join(home, 'crash.mjs')
    writeFileSync(crashing, 'process.exit(3)\n')
    await expect(runJob(createNodeSpawner({ entry: crashing, execArgv: [] }), { kind: 'probe' })).rejects.toThrow(/stopped unexpectedly/)

    const text = readFileSync(join(home, 'logs', logFileName), 'utf8')
    expect(text).toMatch(/ERROR \[renderer \d+\] vue: render: Cannot read /)
    expect(text).toMatch(/ERROR \[web \d+\] probe trainer process stopped unexpectedly \(exit code 3\)/)

    const d = (await app.call('app.diagnostics', undefined)) as { text: string; logsDir: string }
    expect(d.logsDir).toBe(join(home, 'logs'))
    expect(d.text).toMatch(/^Attention Workbench \d+\.\d+\.\d+ \(web\)\n/)
    expect(d.text).toContain(`Node ${process.versions.node}`)
    expect(d.text).toMatch(/Last problems in the log \(2\):/)
    expect(d.text).not.toContain(home)
    expect(d.text).not.toContain('secret-reviews')
    const opened = (await app.call('app.openLogs', undefined)) as { opened: boolean; path: string }
    expect(opened).toEqual({ opened: false, path: join(home, 'logs') })
    expect(existsSync(opened.path)).toBe(true)
  })

  it('blanks folders, quoted names and file paths in reported lines', () => {
    const line = `ERROR Cannot import "${homedir()}/Documents/客户评论.csv" into '${'/srv/data/x'}' at /opt/app/file.txt: bad`
    const out = redact(line, '/srv/data')
    expect(out).toBe(`ERROR Cannot import "…" into '…' at <path>: bad`)
  })
})
