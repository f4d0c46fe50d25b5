// The engine's public face: what the trainer process, the terminal and the tests call.
// tfjs, shared types and Node built-ins only: no electron, no SQLite, no Vue.
export { initBackend, type BackendChoice } from './backend'
export { runTraining, type TrainingJob, type TrainingResult } from './run-training'
export { loadModel, predictTexts, evaluateModel, useInferenceThreads, type LoadedModel } from './predict'
export { runImageTraining, type ImagePixels } from './run-image-training'
export { evaluateImages, predictImages, type ImagePrediction } from './predict-image'
export { calibrate, type Calibration, type CalibrateOptions } from './calibrate'
export type { TrainCallbacks, TrainProgress } from './training/loop'
export { resolveThreads, withThreads } from './parallel/threads'
export { loadBase, encodeText, hiddenStates, bodyHiddenStates, baseDims, type LoadedBase } from './bases/base-model'
export { encodeBaseTexts } from './bases/encode-texts'
export { planImport, writeBase, readBaseFolder, type BaseFile, type ImportPlan } from './bases/import-base'
export type { BaseArch, BaseFamily } from './bases/arch'
