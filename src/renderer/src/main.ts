// Renderer entry: Vue + Pinia + router + i18n, then the app shell.
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { i18n } from './i18n'
import { createAppRouter } from './router'
import './styles.css'

// The server already traded ?token= for a cookie; never leave a token in the address bar or history.
const url = new URL(window.location.href)
if (url.searchParams.has('token')) {
  url.searchParams.delete('token')
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
}

createApp(App).use(createPinia()).use(createAppRouter()).use(i18n).mount('#app')
