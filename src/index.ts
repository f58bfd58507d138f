// The package's public API, shared by the Node and browser entries.
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
