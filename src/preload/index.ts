// The desktop bridge: exposes WorkbenchApi to the sandboxed renderer as named functions.
// Never exposes ipcRenderer itself; channel names come from the shared contract.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { apiSpec, eventChannels, ipcChannel, ipcEventChannel, type WorkbenchApi } from '../shared/api'
import type { WorkbenchEvents } from '../shared/domain'

type Envelope = { ok: true; result: unknown } | { ok: false; error: { message: string; code: string } }

async function call(name: string, input: unknown): Promise<unknown> {
  const reply = (await ipcRenderer.invoke(ipcChannel(name), input)) as Envelope
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code })
  return reply.result
}

function group<G extends keyof typeof apiSpec>(g: G): WorkbenchApi[G] {
  const out: Record<string, (input?: unknown) => Promise<unknown>> = {}
  for (const m of Object.keys(apiSpec[g])) out[m] = (input?: unknown) => call(`${g}.${m}`, input)
  return out as WorkbenchApi[G]
}

const api = {
  app: group('app'),
  datasets: group('datasets'),
  runs: group('runs'),
  exports: group('exports'),
  bases: group('bases'),
  auto: group('auto'),
  subscribe<K extends keyof WorkbenchEvents>(channel: K, listener: (event: WorkbenchEvents[K]) => void) {
    if (!eventChannels.includes(channel)) throw new Error(`Unknown event channel ${String(channel)}`)
    const handler = (_e: IpcRendererEvent, msg: { channel: string; event: WorkbenchEvents[K] }) => {
      if (msg.channel === channel) listener(msg.event)
    }
    ipcRenderer.on(ipcEventChannel, handler)
    return () => {
      ipcRenderer.removeListener(ipcEventChannel, handler)
    }
  },
} satisfies WorkbenchApi

contextBridge.exposeInMainWorld('workbench', api)
