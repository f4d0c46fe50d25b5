// The terminal entry: `workbench [--home DIR] VERB ...`. Same services as the desktop and web
// modes; `--json` prints one JSON document on stdout, progress goes to stderr.
// Exit codes: 0 success, 1 bad input (one-line reason on stderr), 2 internal failure.
// Verbs live in ./cli/verbs, one file per group; this file only finds and runs one.
import { realpathSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UserError } from '../shared/api'
import { ConfigError } from '../shared/config'
import { backendPlan } from './engine/backend-select'
import { createApp, type App } from './app'
import { groupHelp, mainHelp } from './cli/help'
import { createLocalApi } from './cli/local-api'
import { drained, ignoreClosedPipes, Output, writeTo } from './cli/output'
import { verbHelp, type Verb } from './cli/verb'
import { verbs } from './cli/verbs'
import { resolveHome } from './home'
import { logDir, logFileName } from './logger'
import { toCallError } from './services/dispatch'

const globalBooleans = new Set(['--json', '--jsonl', '--help', '-h'])

/** The leading words of the command line (`runs import`), skipping global flags. */
function leadingWords(argv: string[]): string[] {
  const words: string[] = []
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const a = argv[i]
    if (a === '--home' || a === '--backend') i++
    else if (a.startsWith('--home=') || a.startsWith('--backend=') || globalBooleans.has(a)) continue
    else if (a.startsWith('-')) break
    else words.push(a)
  }
  return words
}

/** The verb named by `words`: the longest match. */
function findVerb(words: string[]): Verb | undefined {
  return verbs
    .filter((v) => v.words.every((w, i) => words[i] === w))
    .sort((a, b) => b.words.length - a.words.length)[0]
}

/** The --backend value checked against the backends (an unknown one is bad input that lists them). */
function pinFlag(value: string): string {
  try {
    backendPlan(value)
  } catch (err) {
    throw new UserError(`--backend ${(err as Error).message}`)
  }
  return value.trim().toLowerCase()
}

/** Run the terminal app with `argv` (without node and script). Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const fail = async (message: string) => {
    await writeTo(process.stderr, `${message}\n`)
    return 1
  }
  const words = leadingWords(argv)
  const wantsHelp = argv.includes('--help') || argv.includes('-h')
  if (!words.length) {
    await writeTo(process.stdout, mainHelp(verbs) + '\n')
    return wantsHelp ? 0 : 1
  }
  const verb = findVerb(words)
  if (!verb) {
    const group = verbs.filter((v) => v.words.length > 1 && v.words[0] === words[0])
    if (group.length && wantsHelp && words.length === 1) {
      await writeTo(process.stdout, groupHelp(words[0], group) + '\n')
      return 0
    }
    if (group.length) return fail(`Use: ${group.map((v) => `workbench ${v.words.join(' ')} ${v.usage}`.trimEnd()).join(' | ')}`)
    return fail(`Unknown command "${words[0]}". Run workbench --help.`)
  }

  let app: App | null = null
  try {
    const parsed = verb.parse(argv)
    if (parsed.help) {
      await writeTo(process.stdout, verbHelp(verb) + '\n')
      return 0
    }
    // --backend pins the compute backend of every trainer process this command starts (they inherit it).
    if (parsed.backend !== undefined) process.env.WORKBENCH_BACKEND = pinFlag(parsed.backend)
    app = createApp({ home: resolveHome(parsed.home), mode: verb.words[0] === 'serve' ? 'web' : 'terminal' })
    // A pinned backend that cannot start is said before any work begins, not as a failed run later.
    if (parsed.backend !== undefined && backendPlan(parsed.backend).pinned) await app.checkBackend()
    const out = new Output(parsed.mode)
    return await verb.exec(argv, { api: createLocalApi(app), app, out, tty: !!process.stderr.isTTY })
  } catch (err) {
    const e = toCallError(err)
    if (err instanceof ConfigError || err instanceof UserError || e.status < 500) return fail(e.message.split('\n')[0])
    const logs = logDir()
    await writeTo(process.stderr, `${e.message}${logs ? ` (details in ${join(logs, logFileName)})` : ''}\n`)
    if (process.env.WORKBENCH_DEBUG) console.error(err)
    return 2
  } finally {
    await app?.close().catch(() => {})
  }
}

/** True when this file is the process entry (also through npm's bin symlink). */
function isEntry(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

/** Exit only after stdout and stderr have handed everything to the OS (a pipe may be slow). */
async function exitWhenDrained(code: number): Promise<never> {
  process.exitCode = code
  await Promise.all([drained(process.stdout), drained(process.stderr)])
  process.exit(code)
}

if (isEntry()) {
  ignoreClosedPipes(process.stdout, process.stderr)
  main(process.argv.slice(2)).then(exitWhenDrained, (err: unknown) => {
    console.error(err)
    return exitWhenDrained(2)
  })
}
