// Desktop entry: the window, its security settings, and the IPC binding of WorkbenchApi.
// Everything else is shared with web mode and the terminal through createApp().
import { app as electronApp, BrowserWindow, dialog, ipcMain, session, shell, utilityProcess, type IpcMainInvokeEvent } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ipcChannel, ipcEventChannel, methodNames, eventChannels } from '../shared/api'
import { createApp, type App } from './app'
import { setupMenu } from './desktop-menu'
import { resolveHome } from './home'
import { isTrustedSender } from './ipc-sender'
import { log, logUncaught } from './logger'
import { allowPermission } from './permissions'
import { CSP } from './server'
import { toCallError } from './services/dispatch'
import { defaultTrainerEntry, type SpawnTrainer } from './services/trainer-host'

const here = fileURLToPath(new URL('.', import.meta.url))

/** Trainer processes on desktop: Electron's utilityProcess (a Node process without the browser). */
function createUtilitySpawner(): SpawnTrainer {
  const { entry } = defaultTrainerEntry()
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Attention Workbench trainer', stdio: 'inherit' })
    return {
      get pid() {
        return child.pid
      },
      send: (msg) => child.postMessage(msg),
      onMessage: (cb) => child.on('message', (m) => cb(m)),
      onExit: (cb) => child.on('exit', (code) => cb({ code, signal: null })),
      kill: () => {
        child.kill()
      },
    }
  }
}

let mainWindow: BrowserWindow | null = null

/** Only our own window's main frame may call the API (see ipc-sender.ts). */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  return isTrustedSender(
    {
      senderId: event.sender.id,
      mainWindowId: mainWindow ? mainWindow.webContents.id : null,
      frame: frame ? { url: frame.url, processId: frame.processId, routingId: frame.routingId, hasParent: frame.parent !== null } : null,
      mainFrame: { processId: event.sender.mainFrame.processId, routingId: event.sender.mainFrame.routingId },
    },
    process.env.ELECTRON_RENDERER_URL,
  )
}

function setupIpc(app: App): void {
  for (const name of methodNames) {
    ipcMain.handle(ipcChannel(name), async (event, input: unknown) => {
      if (!trustedSender(event)) {
        return { ok: false, error: { code: 'forbidden', message: 'Refused: unknown sender.' } }
      }
      try {
        return { ok: true, result: await app.call(name, input) }
      } catch (err) {
        const e = toCallError(err)
        return { ok: false, error: { code: e.code, message: e.message } }
      }
    })
  }
  for (const channel of eventChannels) {
    app.events.subscribe(channel, (event) => mainWindow?.webContents.send(ipcEventChannel, { channel, event }))
  }
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Attention Workbench',
    icon: join(here, '../../resources/icons/icon.png'),
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  // Links open in the user's browser, never inside the app; the app never navigates away.
  mainWindow.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  mainWindow.webContents.on('will-navigate', (e) => e.preventDefault())
  mainWindow.webContents.on('render-process-gone', (_e, d) => log('error', `the window's renderer process ended: ${d.reason} (exit code ${d.exitCode})`, undefined, 'renderer'))
  if (process.env.ELECTRON_RENDERER_URL) void mainWindow.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void mainWindow.loadFile(join(here, '../renderer/index.html'))
}

void electronApp.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
  // The camera (video only) for the image try-it's snapshot, from our own window; every other request is refused.
  session.defaultSession.setPermissionRequestHandler((wc, permission, callback, details) => {
    const ours = mainWindow !== null && !mainWindow.isDestroyed() && wc.id === mainWindow.webContents.id
    callback(ours && allowPermission(permission, details as Parameters<typeof allowPermission>[1], process.env.ELECTRON_RENDERER_URL))
  })
  const homeFlag = process.argv.find((a) => a.startsWith('--home='))?.slice('--home='.length)
  const app = createApp({
    home: resolveHome(homeFlag),
    mode: 'desktop',
    spawn: createUtilitySpawner(),
    openPath: async (path) => (await shell.openPath(path)) === '',
    pickFolder: async () => {
      const win = BrowserWindow.getFocusedWindow()
      const options = { properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] }
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return r.canceled || !r.filePaths.length ? null : r.filePaths[0]
    },
  })
  logUncaught()
  setupMenu(app, electronApp.getLocale())
  setupIpc(app)
  void app.probeBackend()
  createWindow()
  electronApp.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
  electronApp.on('before-quit', () => void app.close())
})

electronApp.on('window-all-closed', () => {
  if (process.platform !== 'darwin') electronApp.quit()
})
