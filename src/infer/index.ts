export { predictPose, predictPeople, REFERENCE_SCALES, type BeliefModel, type PredictOptions, type PosePredictionResult } from './predict.js';
export { skeletonOverlay, peopleOverlay, stageBeliefs } from './pictures.js';
export { rasterFromCrop, rasterFromRgb } from '../data/picture.js';
export { parseBoxesJson, parseNumberList, personFromPlacement, type Placement } from './people.js';
