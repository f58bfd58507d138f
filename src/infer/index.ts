export { predictPose, REFERENCE_SCALES, type BeliefModel, type PredictOptions, type PosePredictionResult } from './predict.js';
export { skeletonOverlay, stageBeliefs, rasterFromCrop, rasterFromRgb } from './pictures.js';
