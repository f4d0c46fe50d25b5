// Where the app keeps its data. The desktop app and the terminal share one folder.
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** The per-user data folder: an explicit flag, then WORKBENCH_HOME, then the platform's app-data folder. */
export function resolveHome(flag?: string | null, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag)
  if (env.WORKBENCH_HOME) return resolve(env.WORKBENCH_HOME)
  const name = 'Attention Workbench'
  switch (process.platform) {
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name)
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', name)
    default:
      return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'attention-workbench')
  }
}
