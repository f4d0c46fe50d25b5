// Every string the UI shows comes through here; switching language is instant (no reload).
import { createI18n } from 'vue-i18n'
import en from './en'
import zhCN from './zh-cn'

/** Languages the UI ships. */
export const locales = ['en', 'zh-CN'] as const
export type Locale = (typeof locales)[number]

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem('wb.locale')
    if (saved && (locales as readonly string[]).includes(saved)) return saved as Locale
  } catch {}
  const nav = typeof navigator !== 'undefined' ? navigator.language : 'en'
  return nav.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

/** The app's i18n instance (Composition API mode). */
export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN },
  missingWarn: false,
  fallbackWarn: false,
})

/** Switch the UI language and the document's lang attribute. */
export function setLocale(l: Locale): void {
  i18n.global.locale.value = l
  if (typeof document !== 'undefined') document.documentElement.lang = l
}

/** Message schema, taken from English so the other language is checked against it. */
export type MessageSchema = typeof en
