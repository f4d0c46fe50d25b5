// Routes: one per section of the navigation, plus a run's own page. Hash history works both
// from file:// (desktop) and from the web-mode server.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

/** The app's routes; views load on demand to keep start-up fast. */
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('./views/HomeView.vue') },
  { path: '/datasets', name: 'datasets', component: () => import('./views/DatasetsView.vue') },
  { path: '/datasets/:id', name: 'dataset', component: () => import('./views/DatasetView.vue'), props: true },
  { path: '/bases', name: 'bases', component: () => import('./views/BasesView.vue') },
  { path: '/train', name: 'train', component: () => import('./views/TrainView.vue') },
  { path: '/runs', name: 'runs', component: () => import('./views/RunsView.vue') },
  { path: '/runs/:id', name: 'run', component: () => import('./views/RunView.vue'), props: true },
  { path: '/compare', name: 'compare', component: () => import('./views/CompareView.vue') },
  { path: '/export', name: 'export', component: () => import('./views/ExportView.vue') },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

/** Build the router (tests build their own with memory history). */
export function createAppRouter() {
  return createRouter({ history: createWebHashHistory(), routes })
}
