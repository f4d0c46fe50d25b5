// @vitest-environment happy-dom
// The image explorer: an answer with attention maps shows the prediction, the rollout and one thumbnail per
// layer and head (choosing one shows it), in both UI languages; the image goes out as a data URL through the
// same predict call as a text.
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import ImageExplorer from '../../src/renderer/src/components/ImageExplorer.vue'
import { setLocale } from '../../src/renderer/src/i18n'
import { useImageExplorerStore } from '../../src/renderer/src/stores/image-explorer'
import type { Prediction } from '../../src/shared/domain'
import type { FakeApi } from './fake-api'
import { freshApp, plugins } from './setup'

let fake: FakeApi
beforeEach(() => {
  fake = freshApp()
})
afterEach(() => setLocale('en'))

const grid = (k: number) => Array.from({ length: 4 }, (_, n) => (n === k ? 0.7 : 0.1))
const maps = { grid: 2, rollout: grid(0), heads: [[grid(1), grid(2)], [grid(3), grid(0)]] }

describe('image attention explorer', () => {
  it('sends the image as a data URL and shows the answer with the rollout and a thumbnail per layer and head', async () => {
    fake.after('runs.predict', (r) => Object.assign(r as Prediction, { image: maps }))
    const w = mount(ImageExplorer, { props: { runId: 'r1' }, global: { plugins: await plugins() } })
    const store = useImageExplorerStore()
    await store.predictImage('r1', 'data:image/jpeg;base64,AAAA')
    await flushPromises()
    const sent = fake.calls.find((c) => c.name === 'runs.predict')!.input as { id: string; text: string; attention: boolean }
    expect(sent).toEqual({ id: 'r1', text: 'data:image/jpeg;base64,AAAA', attention: true })
    expect(w.get('[data-testid="image-answer"]').text()).toContain('pos')
    const thumbs = w.findAll('button.thumb')
    expect(thumbs.map((b) => b.text())).toEqual(['Rollout', 'Layer 1, head 1', 'Layer 1, head 2', 'Layer 2, head 1', 'Layer 2, head 2'])
    expect(w.get('[data-testid="image-map"]').attributes('aria-label')).toBe('Rollout')
    await thumbs[3]!.trigger('click')
    expect(w.get('[data-testid="image-map"]').attributes('aria-label')).toBe('Layer 2, head 1')
    expect(w.text()).toContain('2 x 2 patches')
    setLocale('zh-CN')
    await flushPromises()
    expect(w.findAll('button.thumb').map((b) => b.text())[2]).toBe('第 1 层，第 2 个头')
  })
})

describe('image try-it: a photo from the camera', () => {
  /** A fake camera: getUserMedia answers a stream whose one track records being stopped (or rejects with `refuse`). */
  function fakeCamera(refuse?: string) {
    const track = { stopped: false, stop() { this.stopped = true } }
    const asked: MediaStreamConstraints[] = []
    const getUserMedia = vi.fn(async (c: MediaStreamConstraints) => {
      asked.push(c)
      if (refuse) throw Object.assign(new Error('refused'), { name: refuse })
      const stream = new MediaStream()
      stream.getTracks = () => [track as unknown as MediaStreamTrack]
      return stream
    })
    Object.defineProperty(navigator, 'mediaDevices', { value: { getUserMedia }, configurable: true })
    return { track, asked }
  }
  /** Canvases record their size, what was drawn on them, and how they were encoded. */
  function fakeCanvas() {
    const drawn: { canvas: HTMLCanvasElement; source: unknown }[] = []
    const encoded: { width: number; height: number; args: unknown[] }[] = []
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
      return { fillStyle: '', fillRect: () => {}, drawImage: (source: unknown) => drawn.push({ canvas: this, source }) } as unknown as CanvasRenderingContext2D
    } as never)
    vi.spyOn(HTMLCanvasElement.prototype, 'toDataURL').mockImplementation(function (this: HTMLCanvasElement, ...args: unknown[]) {
      encoded.push({ width: this.width, height: this.height, args })
      return 'data:image/jpeg;base64,CAMERA'
    })
    return { drawn, encoded }
  }
  afterEach(() => {
    vi.restoreAllMocks()
    Reflect.deleteProperty(navigator, 'mediaDevices')
  })

  it('asks for video only, shows the live preview, and on Capture stops the camera and sends the frame as a dropped image is sent', async () => {
    const cam = fakeCamera()
    const { drawn, encoded } = fakeCanvas()
    const w = mount(ImageExplorer, { props: { runId: 'r1' }, global: { plugins: await plugins() } })
    expect(w.text()).toContain('Take a photo')
    await w.get('[data-testid="camera-open"]').trigger('click')
    await flushPromises()
    expect(cam.asked).toEqual([{ video: true, audio: false }])
    const preview = w.get('[data-testid="camera-preview"]').element as HTMLVideoElement
    expect(preview.srcObject).toBeTruthy()
    Object.defineProperty(preview, 'videoWidth', { value: 640 })
    Object.defineProperty(preview, 'videoHeight', { value: 480 })
    await w.get('[data-testid="camera-capture"]').trigger('click')
    await flushPromises()
    // The frame is taken from the live video, then shrunk to 160 px on its long side and sent as a JPEG data URL.
    expect(drawn[0]!.source).toBe(preview)
    expect(encoded).toEqual([{ width: 160, height: 120, args: ['image/jpeg', 0.92] }])
    expect(cam.track.stopped).toBe(true)
    expect(w.find('[data-testid="camera-preview"]').exists()).toBe(false)
    const sent = fake.calls.filter((c) => c.name === 'runs.predict').map((c) => c.input)
    expect(sent).toEqual([{ id: 'r1', text: 'data:image/jpeg;base64,CAMERA', attention: true }])
    expect(useImageExplorerStore().answers.r1?.imageUrl).toBe('data:image/jpeg;base64,CAMERA')
  })

  it('says in a sentence when permission is refused or there is no camera, in both languages, and sends nothing', async () => {
    fakeCamera('NotAllowedError')
    const w = mount(ImageExplorer, { props: { runId: 'r1' }, global: { plugins: await plugins() } })
    await w.get('[data-testid="camera-open"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="camera-error"]').text()).toBe('The camera could not be used because permission to use it was refused.')
    expect(w.find('[data-testid="camera-preview"]').exists()).toBe(false)
    fakeCamera('NotFoundError')
    setLocale('zh-CN')
    await w.get('[data-testid="camera-open"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="camera-error"]').text()).toBe('没有找到摄像头，这里无法拍照；请改为选择一张图像。')
    Reflect.deleteProperty(navigator, 'mediaDevices')
    setLocale('en')
    await w.get('[data-testid="camera-open"]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid="camera-error"]').text()).toContain('No camera was found')
    expect(fake.calls.some((c) => c.name === 'runs.predict')).toBe(false)
  })
})
