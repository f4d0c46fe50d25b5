// Installers: `npm run dist` builds them for the system it runs on (Linux: AppImage + deb,
// macOS: dmg, Windows: NSIS). Validated against electron-builder's own schema by
// tests/electron-builder-config.test.ts; `npm run dist -- --dir` packs without an installer.

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'org.attention-workbench.app',
  productName: 'Attention Workbench',
  executableName: 'attention-workbench',
  copyright: 'Copyright © Attention Workbench contributors (MIT licence)',
  directories: { output: 'dist', buildResources: 'resources/build' },
  icon: 'resources/icons/icon.png',
  // Electron's binary comes from node_modules (scripts/ensure-electron.mjs fetched it), not a second download.
  electronDist: 'node_modules/electron/dist',
  // better-sqlite3 13 ships N-API builds for every system; onnxruntime-node and tfjs-backend-wasm are prebuilt too.
  npmRebuild: false,
  nodeGypRebuild: false,
  asar: true,
  files: [
    'out/**',
    'resources/icons/**',
    'resources/sample/**',
    'package.json',
    '!**/*.map',
    '!**/*.d.ts',
    '!**/{README,CHANGELOG,HISTORY}*',
    '!**/{test,tests,__tests__,example,examples,docs}/**',
    // TensorFlow.js: the Node bundles (*.node.js), the wasm binaries and the browser build the demo
    // page ships (tfjs/dist/tf.min.js) are used; the other bundles and sources are not.
    '!node_modules/@tensorflow/*/dist/*.{es2017,fesm,esm}.js',
    '!node_modules/@tensorflow/*/dist/*.{es2017,fesm,esm}.min.js',
    '!node_modules/@tensorflow/*/dist/*.min.js.html',
    '!node_modules/@tensorflow/tfjs-*/dist/*.min.js',
    '!node_modules/@tensorflow/*/dist/miniprogram/**',
    '!node_modules/@tensorflow/*/src/**',
    '!node_modules/@tensorflow/tfjs-backend-wasm/wasm-out/**',
    // better-sqlite3's C sources and build files (its prebuilt binaries are what loads).
    '!node_modules/better-sqlite3/{deps,src,build}/**',
    // Natives of other systems and processors are never shipped (${platform}, ${arch}: the target's).
    '!node_modules/better-sqlite3/prebuilds/!(${platform}-${arch}).node',
    '!node_modules/onnxruntime-node/bin/napi-v*/!(${platform})/**',
    // WebGPU (Dawn): one folder per system and processor (macOS: one universal build).
    '!node_modules/webgpu/dist/!(${platform}-*)/**',
    '!node_modules/webgpu/dist/${platform}-!(${arch}|universal)/**',
    '!node_modules/onnxruntime-node/bin/napi-v*/*/!(${arch})/**',
    // onnxruntime-node: only its CPU build is used.
    '!node_modules/onnxruntime-node/bin/napi-v*/*/*/*{cuda,tensorrt,CUDA,TensorRT}*',
    '!node_modules/onnxruntime-node/script/**',
    // sharp (image decoding): its JavaScript, and from @img only the target's prebuilt binding and libvips
    // (npm installs just those; the patterns keep a stray other-system package out all the same).
    '!node_modules/sharp/{src,install}/**',
    '!node_modules/@img/sharp-!(${platform}-${arch}|libvips-${platform}-${arch})/**',
  ],
  // Native modules and WebAssembly load from real files, outside the archive; sharp's binding finds libvips
  // (a shared library beside it under @img) by a relative path, so both packages are unpacked whole.
  // Dawn (WebGPU in the trainer process): dawn.node loads the DirectX shader compilers beside it on
  // Windows (d3dcompiler_47.dll, dxcompiler.dll), so the target's folder of webgpu/dist is unpacked whole.
  asarUnpack: ['**/*.node', '**/*.wasm', 'node_modules/onnxruntime-node/bin/**', 'node_modules/sharp/**', 'node_modules/@img/**', 'node_modules/webgpu/dist/**'],
  // Security fuses for packaged builds: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect, the
  // app only from its (integrity-checked) asar, cookies encrypted. Trainers are utilityProcesses,
  // which need none of these.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
  },
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Science',
    synopsis: 'Train, understand and export text classifiers without code',
  },
  deb: { maintainer: 'Attention Workbench contributors <noreply@attention-workbench.org>' },
  mac: { target: ['dmg'], category: 'public.app-category.developer-tools' },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
  publish: null,
}
