export { predictPose, predictPeople, REFERENCE_SCALES, type BeliefModel, type PredictOptions, type PosePredictionResult } from './predict.js';
export { skeletonOverlay, peopleOverlay, stageBeliefs, rasterFromCrop, rasterFromRgb } from './pictures.js';
export { parseBoxesJson, parseNumberList, personFromPlacement, type Placement } from './people.js';
