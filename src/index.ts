// The package's public API, shared by the Node and browser entries.
/// <reference types="@webgpu/types" preserve="true" />
export { Engine, type MemoryStats, type DispatchArgs, type BufferBinding } from './tensor/engine.js';
export { requestEngineDevice, describeDevice, type DeviceOptions, type EngineDevice, type EngineLimits, type OptionalFeature } from './tensor/device.js';
export { GPUOpError, DeviceLostError, EngineError } from './tensor/errors.js';
export { Tensor, shapeSize, type Shape, type DType } from './tensor/tensor.js';
export { getEngine, setEngine } from './tensor/context.js';
export { tensor, zeros, ones, fullOf, randn, rand, parameter, asParameter, tidy, keep } from './tensor/create.js';
export { Random } from './tensor/random.js';
export { foldWorkgroups, type KernelSource } from './tensor/kernel.js';
export { backward, noGrad, releaseGraph, needsGrad, record } from './autograd/graph.js';
export * from './ops.js';
export * from './optim/index.js';
// CPM, inference, and the pure parts of data, evaluation and pictures (no Node built-ins: browser-safe).
export { CpmModel, type ForwardOptions, type StageLosses } from './cpm/model.js';
export { trainStep, makeOptimizer, phase, paperGroups, plainGroups, type Strategy, type OptimizerChoice, type StepOptions } from './cpm/step.js';
export { CONFIGS, getConfig, validateConfig, parameterCount, multiplyAdds, receptiveFields, layers, type CpmConfig, type LayerSpec } from './cpm/config.js';
export {
  encodeCheckpoint,
  parseCheckpoint,
  checkpointMetadata,
  type LoadedCheckpoint,
  type CheckpointInfo,
  type ParseCheckpointOptions,
} from './cpm/checkpoint.js';
export { configFromShapes, checkShapes } from './cpm/shapes.js';
export { encodeSafetensors, decodeSafetensors, SafetensorsError, type SafeTensor, type SafeFile } from './io/safetensors.js';
export { predictPose, predictPeople, REFERENCE_SCALES, type BeliefModel, type PredictOptions, type PosePredictionResult } from './infer/predict.js';
export { parseBoxesJson, personFromPlacement, type Placement } from './infer/people.js';
export { personFromBox, personFromCenterHeight, type PersonBox } from './data/annotation.js';
export * as data from './data/browser.js';
export * as evaluation from './eval/index.js';
export { createRaster, drawLine, fillCircle, type Raster } from './viz/raster.js';
export { renderLineChart } from './viz/chart.js';
export { drawSkeleton } from './viz/skeleton.js';
export { rasterFromRgb, rasterFromCrop } from './data/picture.js';
export { skeletonOverlay, peopleOverlay, stageBeliefs } from './infer/pictures.js';
export { renderBeliefGrid } from './viz/beliefGrid.js';
export { heatmapRaster, type HeatmapOptions, type ColormapName } from './viz/colormap.js';
