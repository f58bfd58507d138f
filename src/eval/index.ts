// Public API of evaluation. Pure (browser-safe); Node file reading lives in ./files.js.
export * from './types.js';
export * from '../pose/joints.js';
export * from './convention.js';
export * from './errors.js';
export * from './pck.js';
export * from './pckh.js';
export * from './curve.js';
export * from './table.js';
export * from './match.js';
export * from './predictionsFormat.js';
export * from './groundTruth.js';
export * from './meanPose.js';
export * from '../pose/affine.js';
export * from './upsample.js';
export * from './keypoints.js';
export * from './jointArray.js';
