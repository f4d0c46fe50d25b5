// The installer configuration: valid against electron-builder's own schema, natives and wasm
// outside the asar, security fuses set, one target set per system, and a 1024 px icon with
// transparency. (Building installers needs Electron's binary; see `npm run dist`.)
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, matchesGlob } from 'node:path'
import { inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'

const root = process.cwd()
const require = createRequire(join(root, 'package.json'))
const config = require('./electron-builder.cjs') as Record<string, unknown> & {
  asarUnpack: string[]
  files: string[]
  electronFuses: Record<string, boolean>
  linux: { target: string[] }
  mac: { target: string[] }
  win: { target: string[] }
  icon: string
}
// electron-builder validates a configuration with this function before it builds anything.
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration(c: unknown, debug: { add(): void; isEnabled: boolean }): Promise<void>
}
const quietLog = { add() {}, isEnabled: false }

describe('installer configuration', () => {
  it("passes electron-builder's schema, which refuses a misspelt option", async () => {
    await expect(validateConfiguration(config, quietLog)).resolves.toBeUndefined()
    await expect(validateConfiguration({ ...config, electronFuses: { runAsNod: false } }, quietLog)).rejects.toThrow(/electronFuses/)
    await expect(validateConfiguration({ ...config, linux: { targets: ['AppImage'] } }, quietLog)).rejects.toThrow(/linux/)
  })

  it('builds AppImage and deb, dmg and NSIS, without rebuilding natives, with natives and wasm unpacked', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
    expect(config).toMatchObject({ appId: expect.stringMatching(/^[a-z0-9.-]+$/), productName: 'Attention Workbench', npmRebuild: false })
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', '**/*.wasm']))
    // Only the target's natives: patterns keyed on electron-builder's ${platform} and ${arch}.
    expect(config.files).toContain('!node_modules/better-sqlite3/prebuilds/!(${platform}-${arch}).node')
    expect(config.files).toContain('!node_modules/@img/sharp-!(${platform}-${arch}|libvips-${platform}-${arch})/**')
    // sharp's binding loads libvips from the @img package beside it: both live outside the archive.
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/sharp/**', 'node_modules/@img/**']))
    // What npm installed here for sharp is this system's binding and libvips, and the patterns keep both.
    const img = readdirSync(join(root, 'node_modules/@img')).filter((n) => n.startsWith('sharp-'))
    expect(img.sort()).toEqual([`sharp-libvips-${process.platform}-${process.arch}`, `sharp-${process.platform}-${process.arch}`].sort())
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
    expect(pkg.scripts.dist).toMatch(/^node scripts\/ensure-electron\.mjs dist && npm run build && electron-builder/)
  })

  it("ships only the target's Dawn (WebGPU) build, unpacked beside the libraries it loads", () => {
    // electron-builder matches `files` and `asarUnpack` as minimatch globs (extglob included), after expanding
    // ${platform} and ${arch}; Node's path.matchesGlob reads the same syntax (no dot-files are involved here).
    const minimatch = (path: string, pattern: string) => matchesGlob(path, pattern)
    const expand = (p: string, platform: string, arch: string) => p.replaceAll('${platform}', platform).replaceAll('${arch}', arch)
    const kept = (path: string, platform: string, arch: string) =>
      !config.files.filter((p) => p.startsWith('!')).some((p) => minimatch(path, expand(p.slice(1), platform, arch)))
    const unpacked = (path: string) => config.asarUnpack.some((p) => minimatch(path, p))
    const dist = 'node_modules/webgpu/dist'
    const builds = ['linux-x64', 'linux-arm64', 'win32-x64', 'win32-arm64', 'darwin-universal']
    const shipped = (platform: string, arch: string) => builds.filter((b) => kept(`${dist}/${b}/dawn.node`, platform, arch))
    expect(shipped('linux', 'x64')).toEqual(['linux-x64'])
    expect(shipped('linux', 'arm64')).toEqual(['linux-arm64'])
    expect(shipped('win32', 'x64')).toEqual(['win32-x64'])
    expect(shipped('win32', 'arm64')).toEqual(['win32-arm64'])
    expect(shipped('darwin', 'arm64')).toEqual(['darwin-universal'])
    expect(shipped('darwin', 'x64')).toEqual(['darwin-universal'])
    // On Windows the shader compilers are shipped and sit outside the archive beside dawn.node.
    for (const f of ['dawn.node', 'd3dcompiler_47.dll', 'dxcompiler.dll']) {
      expect(kept(`${dist}/win32-x64/${f}`, 'win32', 'x64')).toBe(true)
      expect(unpacked(`${dist}/win32-x64/${f}`)).toBe(true)
    }
    // Every file npm installed for this system's build is kept and unpacked.
    const here = builds.find((b) => b === `${process.platform}-${process.platform === 'darwin' ? 'universal' : process.arch}`)
    if (here) {
      for (const f of readdirSync(join(root, dist, here))) {
        expect(kept(`${dist}/${here}/${f}`, process.platform, process.arch), f).toBe(true)
        expect(unpacked(`${dist}/${here}/${f}`), f).toBe(true)
      }
    }
  })

  it('sets the security fuses for packaged builds', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    })
  })

  it('has a 1024 px RGBA icon whose corners are transparent and whose middle is opaque', () => {
    const png = readFileSync(join(root, config.icon))
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    const width = png.readUInt32BE(16)
    const height = png.readUInt32BE(20)
    expect([width, height, png[24], png[25]]).toEqual([1024, 1024, 8, 6]) // 8-bit RGBA
    const idat: Buffer[] = []
    for (let at = 8; at < png.length; ) {
      const len = png.readUInt32BE(at)
      if (png.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len))
      at += 12 + len
    }
    const raw = inflateSync(Buffer.concat(idat))
    const stride = width * 4 + 1
    // Rows use filter 0 (none), so a pixel's alpha is at row*stride + 1 + x*4 + 3.
    const alpha = (x: number, y: number) => {
      expect(raw[y * stride]).toBe(0)
      return raw[y * stride + 1 + x * 4 + 3]
    }
    expect(alpha(0, 0)).toBe(0)
    expect(alpha(1023, 1023)).toBe(0)
    expect(alpha(512, 512)).toBe(255)
  })
})
