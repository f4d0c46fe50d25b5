// One terminal verb: its words (`runs import`), usage, its own flags, and what it does. Each verb
// parses its own flags strictly, so a flag it does not know is bad input that names the flag.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util'
import { UserError, type WorkbenchApi } from '../../shared/api'
import type { App } from '../app'
import type { Output, OutputMode } from './output'

/** Flags every verb accepts. */
export const globalOptions = {
  home: { type: 'string' },
  backend: { type: 'string' },
  json: { type: 'boolean' },
  jsonl: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig

type Values<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O & typeof globalOptions; allowPositionals: true; strict: true }>
>['values']

/** What a verb gets when it runs. */
export interface VerbContext<O extends ParseArgsOptionsConfig> {
  api: WorkbenchApi
  app: App
  flags: Values<O>
  /** Positionals after the verb's words. */
  args: string[]
  out: Output
  /** True when stderr is a terminal (progress bars); otherwise progress is plain lines. */
  tty: boolean
}

/** A verb as the dispatcher sees it. */
export interface Verb {
  /** The words that name it, e.g. ['runs', 'import']. */
  words: string[]
  /** Positional arguments and flags, e.g. "BUNDLE [--name N]". */
  usage: string
  summary: string
  /** Runs the verb; returns the exit code. */
  exec(argv: string[], base: Omit<VerbContext<ParseArgsOptionsConfig>, 'flags' | 'args'>): Promise<number>
  /** Parses argv for this verb (throws UserError for an unknown flag); used for --help and --home before the app opens. */
  parse(argv: string[]): { help: boolean; home?: string; backend?: string; mode: OutputMode }
}

/** Define a verb with its own typed flags. */
export function defineVerb<O extends ParseArgsOptionsConfig>(spec: {
  words: string[]
  usage: string
  summary: string
  options: O
  run(ctx: VerbContext<O>): Promise<number>
}): Verb {
  const name = spec.words.join(' ')
  const parse = (argv: string[]) => {
    try {
      return parseArgs({ args: argv, options: { ...spec.options, ...globalOptions }, allowPositionals: true, strict: true })
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      const flag = /'([^']+)'/.exec(e.message)?.[1]
      if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
        throw new UserError(`"workbench ${name}" has no option ${flag}. Run: workbench ${name} --help`)
      }
      throw new UserError(`${e.message.split('\n')[0]} Run: workbench ${name} --help`)
    }
  }
  return {
    words: spec.words,
    usage: spec.usage,
    summary: spec.summary,
    parse(argv) {
      const values: Record<string, unknown> = parse(argv).values
      const home = typeof values.home === 'string' ? values.home : undefined
      const backend = typeof values.backend === 'string' ? values.backend : undefined
      return { help: values.help === true, home, backend, mode: outputMode(values.json === true, values.jsonl === true) }
    },
    exec(argv, base) {
      const { values, positionals } = parse(argv)
      return spec.run({ ...base, flags: values, args: positionals.slice(spec.words.length) })
    },
  }
}

function outputMode(json: boolean, jsonl: boolean): OutputMode {
  if (json && jsonl) throw new UserError('Choose one of --json and --jsonl.')
  return jsonl ? 'jsonl' : json ? 'json' : 'human'
}

/** The value of a required flag or argument, or bad input naming it. */
export function need(value: string | undefined, what: string): string {
  if (!value) throw new UserError(`Missing ${what}.`)
  return value
}

/** Full help for one verb. */
export function verbHelp(v: Verb): string {
  return `Usage: workbench ${v.words.join(' ')} ${v.usage}\n\n${v.summary}\n\nEvery verb also takes --home DIR, --json (one JSON document) and --help.`
}
