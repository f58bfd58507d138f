// The pure parts of the data module: no Node built-ins (safe for a browser bundle).
export { DataError, type SkippedSample } from './errors.js';
export {
  JOINT_NAMES,
  NUM_JOINTS,
  NUM_CHANNELS,
  BACKGROUND_CHANNEL,
  CPM_FROM_LSP,
  CPM_FROM_MPII,
  FLIP_PARTNER,
  LIMBS,
  isRightJoint,
  reorderJoints,
} from '../pose/joints.js';
export { type Affine, applyAffine, composeAffine, invertAffine, transformJoints } from '../pose/affine.js';
export { mixSeed, Rng, permutation } from './rng.js';
export { type RgbImage, type ImageFormat, createRgbImage, decodeImage, sniffImageFormat } from './image.js';
export { type MatArray, type MatClass, type Inflate, readMat } from './mat.js';
export { fromMatlab, toCpmJoints, personFromJointBox, personFromImageFrame } from './annotation.js';
export type { Person, RawSample, Sample, SampleMeta, Batch } from './types.js';
export { type ChannelOrder, type WarpOptions, warpToChw } from './warp.js';
export { STRIDE, beliefTargets, centerMap, defaultJointSigma, defaultCenterSigma } from './targets.js';
export {
  TARGET_DIST,
  REFERENCE_SIZE,
  type AugmentOptions,
  type AugmentParams,
  noAugment,
  sampleAugment,
  cropTransform,
} from './augment.js';
export { type PreprocessOptions, preprocess, augmentSample, preprocessForEval } from './preprocess.js';
export { type SampleConfig, type BatchJob, type BatchResult, collate, makeBatch, makeSample } from './batch.js';
export type { PoseDataset, DatasetSpec, GeneratedSpec, FolderSpec, Split } from './dataset.js';
export type { AnnotationRecord, PersonAnnotation, DatasetFormat, ParsedAnnotations } from './formats/record.js';
export { parseAnnotations } from './formats/parse.js';
export { lspFromMat, lspFromSchemaJson, lspFileName } from './formats/lsp.js';
export { mpiiFromJson, looksLikeMpii } from './formats/mpii.js';
export { splitRange } from './split.js';
export { type GeneratedOptions, generatedSpec, generateSample, openGeneratedDataset } from './generated/dataset.js';
export { renderScene, type Scene, type SceneOptions } from './generated/scene.js';
export {
  type LoaderOptions,
  type LoaderStats,
  type Loader,
  type BatchProducer,
  BatchPlan,
  createInProcessLoader,
  loaderWith,
  sampleConfig,
} from './loader.js';
