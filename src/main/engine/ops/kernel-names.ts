// Names of the kernels the engine registers itself (as tfjs keeps its kernel names in one leaf module):
// the op that runs a kernel and the module that registers it both import the name from here.

/** Column sums ([N, D] -> [D]) registered for wasm. */
export const SUM_ROWS = 'AwSumRows'
