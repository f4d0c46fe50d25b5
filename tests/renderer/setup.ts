// Shared test wiring: a fresh Pinia and a fresh fake API for every test.
import { createPinia, setActivePinia } from 'pinia'
import { setApi } from '../../src/renderer/src/api'
import { createFakeApi, type FakeApi } from './fake-api'

/** Install a fresh Pinia and fake API; returns the fake to drive. */
export function freshApp(): FakeApi {
  const fake = createFakeApi()
  setApi(fake.api)
  setActivePinia(createPinia())
  return fake
}

/** Let pending promises settle. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0))
}

/** Plugins to mount components with: the active Pinia and the app's i18n (reset to English). */
export async function plugins() {
  const { getActivePinia } = await import('pinia')
  const { i18n, setLocale } = await import('../../src/renderer/src/i18n')
  setLocale('en')
  return [getActivePinia()!, i18n]
}
