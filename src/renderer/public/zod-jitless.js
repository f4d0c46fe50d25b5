// Loaded before the app (a classic script runs before module scripts): the page's security policy
// forbids eval, so zod must not compile validators with it; zod reads this global config when its
// schemas are created, which happens while the app's modules load.
globalThis.__zod_globalConfig = Object.assign(globalThis.__zod_globalConfig || {}, { jitless: true })
