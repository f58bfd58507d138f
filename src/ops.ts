// The op registry: one line per kernel family.
export { add, sub, mul, scale, addScalar, relu, reluGrad } from './shaders/elementwise/elementwise.js';
export { copy } from './tensor/map.js';
export {
  conv2d,
  conv2dForward,
  conv2dInputGrad,
  conv2dWeightGrad,
  conv2dBiasGrad,
  conv2dOutputShape,
  conv2dAvailableVariants,
  conv2dDefaultVariant,
  conv2dCandidates,
  conv2dChoice,
  CONV2D_VARIANTS,
  FFT_VARIANTS,
  setConv2dAlgorithm,
  setConv2dStorage,
  type StoragePrecision,
  type Conv2dOptions,
  type Conv2dAlgorithm,
  type Conv2dKernelName,
  type Conv2dVariant,
  type Conv2dVariantName,
} from './shaders/conv2d/conv2d.js';
export { enableConv2dAutotune, disableConv2dAutotune, type TuningStore, type ConvCase } from './shaders/conv2d/tuning.js';
export { tuneConv2d, conv2dTuningPending, type TuneResult } from './shaders/conv2d/autotune.js';
export { maxPool2d, avgPool2d, caffePoolSize, type PoolOptions, type MaxPoolOptions } from './shaders/pool/pool.js';
export { concat, slice } from './shaders/concat/concat.js';
export { sum, mean, l2Loss } from './shaders/reduce/reduce.js';
export { dropout, type DropoutOptions } from './shaders/dropout/dropout.js';
