export { predictPose, REFERENCE_SCALES, type BeliefModel, type PredictOptions, type PosePredictionResult } from './predict.js';
