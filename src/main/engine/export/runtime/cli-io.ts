// What every bundle's predict.mjs does the same way: read the bundle's files beside the script, read
// texts from standard input, re-run the bundle's check inputs, and end with an exit code (never
// process.exit, so output drains). Compiled into each predict.mjs; no dependencies.
import { readFileSync } from 'node:fs'
import type { BundleChecks } from './types'

/** A file of the bundle, beside the script. */
export const read = (name: string): Buffer => readFileSync(new URL(name, import.meta.url))

/** A JSON file of the bundle. */
export const readJson = <T>(name: string): T => JSON.parse(read(name).toString('utf8')) as T

/** One input per non-empty line of standard input (none when it is a terminal). */
export async function readStdin(): Promise<string[]> {
  if (process.stdin.isTTY) return []
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== '')
}

/** `--check`: the bundle's check inputs through `classify`, compared with the probabilities the app wrote; the exit code. */
export async function checkBundle(classify: (inputs: string[]) => Promise<{ probs: number[] }[]>): Promise<number> {
  const checks = readJson<BundleChecks>('checks.json')
  const got = await classify(checks.texts)
  let maxDiff = 0
  got.forEach((p, i) => p.probs.forEach((v, c) => (maxDiff = Math.max(maxDiff, Math.abs(v - checks.probabilities[i][c])))))
  const ok = maxDiff <= 1e-4
  process.stdout.write(`${ok ? 'OK' : 'MISMATCH'}: ${got.length} check inputs, largest probability difference ${maxDiff.toExponential(2)}\n`)
  return ok ? 0 : 1
}

/** Runs `main` on the arguments; its code (or 1 with the error's message) becomes the exit code. */
export function runCli(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`predict.mjs: ${(err as Error).message ?? String(err)}\n`)
      process.exitCode = 1
    },
  )
}
