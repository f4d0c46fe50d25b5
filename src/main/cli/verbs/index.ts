// Every terminal verb, in the order the help lists them. A new verb group is one file in this
// folder and one line here.
import type { Verb } from '../verb'
import { baseVerbs } from './bases'
import { datasetVerbs } from './datasets'
import { exportVerbs } from './export'
import { predictVerbs } from './predict'
import { runVerbs } from './runs'
import { trainVerbs } from './train'

export const verbs: Verb[] = [...datasetVerbs, ...trainVerbs, ...runVerbs, ...predictVerbs, ...exportVerbs, ...baseVerbs]
