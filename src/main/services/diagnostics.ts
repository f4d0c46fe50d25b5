// Support: renderer errors into the log file, the diagnostics report ("Copy diagnostics") and
// opening the logs folder. The report holds versions and the last logged problems with paths and
// quoted names blanked, so it can be pasted into a public bug report.
import { arch, cpus, homedir, release, totalmem, type as osType } from 'node:os'
import type { Diagnostics, WorkbenchHandlers } from '../../shared/api'
import type { AppInfo } from '../../shared/domain'
import { log, recentProblems } from '../logger'

/** What the support handlers need from the app. */
export interface SupportDeps {
  logsDir: string
  info: () => AppInfo
  openPath: (path: string) => Promise<boolean>
}

/** Blank what could identify the user or their data: folders, file and dataset names, long texts. */
export function redact(line: string, home: string): string {
  let out = line
  for (const [path, name] of [
    [home, '<data folder>'],
    [homedir(), '~'],
  ] as const) {
    if (path && path.length > 1) out = out.split(path).join(name)
  }
  return out
    .replace(/"[^"\n]*"/g, '"…"')
    .replace(/'[^'\n]*'/g, "'…'")
    .replace(/(?:[A-Za-z]:\\|\/)[^\s:'"]+/g, '<path>')
    .slice(0, 400)
}

/** The diagnostics report for `info`, with the last problems from the log. */
export function diagnosticsReport(info: AppInfo, logsDir: string): Diagnostics {
  const v = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string }
  const runtime = [`Node ${v.node}`, v.electron ? `Electron ${v.electron}` : null, v.chrome ? `Chromium ${v.chrome}` : null].filter(Boolean).join(', ')
  const backend = info.backend ? `${info.backend.name} (${info.backend.description})` : 'not detected yet'
  const skipped = info.backend?.skipped.map((s) => `${s.name}: ${redact(s.reason, info.home)}`) ?? []
  const cpu = cpus()
  const problems = recentProblems(20).map((l) => redact(l, info.home))
  const lines = [
    `${info.name} ${info.version} (${info.mode})`,
    `System: ${osType()} ${release()} ${arch()}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB memory`,
    `Runtime: ${runtime}`,
    `Compute backend: ${backend}`,
    ...(skipped.length ? [`Backends not used: ${skipped.join('; ')}`] : []),
    '',
    problems.length ? `Last problems in the log (${problems.length}):` : 'No problems in the log.',
    ...problems,
  ]
  return { text: lines.join('\n') + '\n', logsDir }
}

/** The `app` handlers for support. */
export function createSupport(deps: SupportDeps): Pick<WorkbenchHandlers['app'], 'reportError' | 'diagnostics' | 'openLogs'> {
  return {
    reportError({ message, stack, where }) {
      log('error', `${where ? `${where}: ` : ''}${message}${stack ? `\n${stack}` : ''}`, undefined, 'renderer')
    },
    diagnostics: () => diagnosticsReport(deps.info(), deps.logsDir),
    async openLogs() {
      return { opened: await deps.openPath(deps.logsDir), path: deps.logsDir }
    },
  }
}
