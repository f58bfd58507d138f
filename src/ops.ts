// The op registry: one line per kernel family.
export { add, sub, mul, scale, addScalar, relu, reluGrad, copy } from './shaders/elementwise/elementwise.js';
