// The desktop app's menu: the usual Edit and View roles (copy and paste need them) and Help with
// "Open logs folder" and "Copy diagnostics". Labels follow the system language (en, zh-CN).
import { clipboard, Menu, type MenuItemConstructorOptions } from 'electron'
import type { App } from './app'
import { log } from './logger'

const labels = {
  en: { edit: 'Edit', view: 'View', help: 'Help', openLogs: 'Open logs folder', copyDiagnostics: 'Copy diagnostics' },
  'zh-CN': { edit: '编辑', view: '视图', help: '帮助', openLogs: '打开日志文件夹', copyDiagnostics: '复制诊断信息' },
} as const

/** Install the application menu; `locale` is Electron's app.getLocale(). */
export function setupMenu(app: App, locale: string): void {
  const t = locale.toLowerCase().startsWith('zh') ? labels['zh-CN'] : labels.en
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { label: t.edit, role: 'editMenu' },
    { label: t.view, submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    {
      label: t.help,
      role: 'help',
      submenu: [
        { label: t.openLogs, click: () => void app.handlers.app.openLogs() },
        {
          label: t.copyDiagnostics,
          click: async () => {
            try {
              clipboard.writeText((await app.handlers.app.diagnostics()).text)
            } catch (err) {
              log('error', 'copying diagnostics failed', err)
            }
          },
        },
      ],
    },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
