// The compute backends a trainer process can use, named once: the engine's chain, the run setting
// (`train.backend`), the terminal's --backend and WORKBENCH_BACKEND all take these names.

/** Backends in the order the engine prefers them. */
export const backendChoices = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const
export type BackendChoice = (typeof backendChoices)[number]

/** What a run or the terminal may ask for: the automatic chain, or one backend pinned. */
export const backendSettings = ['auto', ...backendChoices] as const
export type BackendSetting = (typeof backendSettings)[number]

export function isBackendChoice(name: string): name is BackendChoice {
  return (backendChoices as readonly string[]).includes(name)
}
