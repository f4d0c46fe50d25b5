// The three ways to fine-tune from a base, with what each costs relative to training every weight.
// Main's plan (time and memory before a run starts), the terminal and the UI read these.
import { finetuneMode, type FinetuneMode, type RunConfig } from './config'

/** One fine-tune mode: a line for people, and its cost relative to full fine-tuning. */
export interface FinetuneModeInfo {
  mode: FinetuneMode
  /** One line in plain English (the UI has its own translated lines). */
  description: string
  /** Work per epoch relative to a full training step (forward + backward + update). */
  workFactor: number
  /** Copies of the body's weights held in memory: weights, gradients, two AdamW moments for `full`. */
  weightCopies: number
  /** Whether backward-pass activations are kept (not when the body only runs forward). */
  keepsActivations: boolean
}

/** The modes in the order the UI offers them. */
export const finetuneModes: Record<FinetuneMode, FinetuneModeInfo> = {
  full: {
    mode: 'full',
    description: 'Every weight trains (the pretrained body at a lower learning rate): the most accurate, the slowest.',
    workFactor: 1,
    weightCopies: 4,
    keepsActivations: true,
  },
  lora: {
    mode: 'lora',
    description: 'The base stays frozen; small low-rank adapters on its attention (optionally feed-forward) layers and the head train: less memory, a little faster.',
    // The backward pass still runs through every block for the adapters' inputs, but no body weight gradients are formed.
    workFactor: 0.7,
    weightCopies: 1,
    keepsActivations: true,
  },
  frozen: {
    mode: 'frozen',
    description: 'The base runs once per text and only a classifier head is fitted on its outputs: seconds to minutes, even on a CPU.',
    // One forward pass over the texts, once (no epochs): about a third of one training epoch.
    workFactor: 1 / 3,
    weightCopies: 1,
    keepsActivations: false,
  },
}

/** The mode's info when a config fine-tunes from a run or a base, else null (training from scratch). */
export function finetuneModeOf(config: RunConfig): FinetuneModeInfo | null {
  if (config.task !== 'classify' || (!config.finetune.fromRunId && !config.finetune.baseId)) return null
  return finetuneModes[finetuneMode(config.finetune)]
}
