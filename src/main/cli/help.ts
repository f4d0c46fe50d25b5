// The terminal's help texts, built from the verbs themselves.
import type { Verb } from './verb'

/** The overview: every verb's usage line. */
export function mainHelp(verbs: Verb[]): string {
  const lines = verbs.map((v) => `  ${v.words.join(' ')} ${v.usage}`.trimEnd())
  return `Attention Workbench — train, understand, compare and export attention-model classifiers.

Usage: workbench [--home DIR] [--backend NAME] [--json | --jsonl] VERB ...

${lines.join('\n')}

Options:
  --home DIR   data folder (default: WORKBENCH_HOME, else the per-user app-data folder)
  --backend NAME  compute backend of the trainer processes this command starts (train, eval, predict,
               export, serve): auto (default), tensorflow-gpu, webgpu, tensorflow, wasm or cpu; a pinned
               one that cannot start fails with the reason (default: WORKBENCH_BACKEND, else auto)
  --json       print one JSON document on stdout
  --jsonl      long answers (eval, predict --file): one JSON document per line
  --help       this text; VERB --help explains one verb

Progress goes to stderr: a bar on a terminal, plain lines when piped.
Exit codes: 0 success, 1 bad input, 2 internal failure.`
}

/** Help for a group of verbs (`workbench runs --help`). */
export function groupHelp(word: string, verbs: Verb[]): string {
  return `Usage:\n${verbs.map((v) => `  workbench ${v.words.join(' ')} ${v.usage}\n      ${v.summary}`).join('\n')}\n\nRun workbench ${word} SUBCOMMAND --help for one of them.`
}
