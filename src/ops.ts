// The op registry: one line per kernel family.
export { add, sub, mul, scale, addScalar, relu, reluGrad, copy } from './shaders/elementwise/elementwise.js';
export { conv2d, conv2dForward, conv2dInputGrad, conv2dWeightGrad, conv2dBiasGrad, conv2dOutputShape, type Conv2dOptions } from './shaders/conv2d/conv2d.js';
