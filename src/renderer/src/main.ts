// Renderer entry: Vue + Pinia + router + i18n, then the app shell.
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { i18n } from './i18n'
import { createAppRouter } from './router'
import { useAppStore } from './stores/app'
import './styles.css'

// The server already traded ?token= for a cookie; never leave a token in the address bar or history.
const url = new URL(window.location.href)
if (url.searchParams.has('token')) {
  url.searchParams.delete('token')
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
}

const pinia = createPinia()
const router = createAppRouter()
// A view's code failed to load: usually the session ended (assets need the cookie too) or the
// server stopped. Ask the server, which shows the sign-in screen or a plain error.
router.onError((err) => {
  void useAppStore(pinia).recoverFromLoadError(err)
})

const app = createApp(App)
// Errors of the UI go to the app's log file (the renderer cannot write files itself).
app.config.errorHandler = (err, _instance, info) => {
  console.error(err)
  useAppStore(pinia).reportError(err, `vue: ${info}`)
}
window.addEventListener('error', (e) => useAppStore(pinia).reportError(e.error ?? e.message, 'window'))
window.addEventListener('unhandledrejection', (e) => useAppStore(pinia).reportError(e.reason, 'promise'))
app.use(pinia).use(router).use(i18n).mount('#app')
