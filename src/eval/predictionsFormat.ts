// The predictions JSON format (parse and build), plus the CPM authors' reference format. Pure: takes parsed JSON.
//
// Format "cpm-predictions" version 1 (what this project writes; anyone's results can be scored with it):
//   {
//     "format": "cpm-predictions", "version": 1,
//     "joint_names": [14 names, any order; matched by name: "Head top", "Neck", "Right shoulder", ..., "Left ankle"],
//     "coordinate_base": 0,            // 0: 0-based pixels (pixel i's centre at i); 1: MATLAB 1-based. Required.
//     "model": "optional label",
//     "predictions": [
//       { "file": "im1001.jpg",        // image file name, matched against the ground truth's "file"
//         "joints": [[x, y] × 14],     // original-image pixels, in joint_names order
//         "stages": [[[x, y] × 14] × T] // optional: each stage's prediction (stage 1 … T)
//       }, ...
//     ]
//   }
// The CPM reference file (data/lsp/cpm_reference/predictions.json: joint_names, files, models{name: {predictions}})
// is also accepted; its coordinates are MATLAB 1-based argmax positions, so coordinate_base defaults to 1 there.
import { FormatError, cpmOrderFromNames, fromCpmPose, toCpmPose, type CoordinateBase } from './convention.js';
import { CPM_JOINT_NAMES } from '../pose/joints.js';
import type { Pose, PosePrediction } from './types.js';

export const PREDICTIONS_FORMAT = 'cpm-predictions';
export const PREDICTIONS_VERSION = 1;

/** One named set of predictions (a file in our format holds one; the CPM reference file holds one per model). */
export interface PredictionSet {
  readonly name: string;
  readonly predictions: readonly PosePrediction[];
}

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function coordinateBase(v: Json, source: string, fallback?: CoordinateBase): CoordinateBase {
  if (v === undefined && fallback !== undefined) return fallback;
  if (v === 0 || v === 1) return v;
  throw new FormatError(source, `"coordinate_base" must be 0 (0-based pixels) or 1 (MATLAB 1-based), got ${JSON.stringify(v)}`);
}

type Rows = readonly (readonly number[])[];

/** Parses a predictions file's JSON (our format or the CPM reference format) into CPM-order, 0-based poses. */
export function parsePredictions(json: Json, source: string): PredictionSet[] {
  if (!isObject(json)) throw new FormatError(source, 'not a JSON object');
  const order = cpmOrderFromNames(json.joint_names as string[], source);
  if (isObject(json.models) && Array.isArray(json.files)) {
    const base = coordinateBase(json.coordinate_base, source, 1);
    const files = json.files as string[];
    return Object.entries(json.models).map(([name, model]) => {
      const preds = isObject(model) ? model.predictions : undefined;
      if (!Array.isArray(preds)) throw new FormatError(source, `model "${name}" has no "predictions" list`);
      if (preds.length !== files.length) {
        throw new FormatError(source, `model "${name}": ${preds.length} predictions for ${files.length} files`);
      }
      return {
        name,
        predictions: preds.map((p, i) => ({
          file: String(files[i]),
          joints: toCpmPose(p as Rows, order, base, source, `model "${name}", ${files[i]}`).pose,
        })),
      };
    });
  }
  if (!Array.isArray(json.predictions)) {
    throw new FormatError(source, 'expected a "predictions" list (format "cpm-predictions") or "files" + "models" (CPM reference format)');
  }
  if (json.format !== undefined && json.format !== PREDICTIONS_FORMAT) {
    throw new FormatError(source, `unknown format "${String(json.format)}" (expected "${PREDICTIONS_FORMAT}")`);
  }
  const base = coordinateBase(json.coordinate_base, source);
  const predictions = json.predictions.map((entry, i): PosePrediction => {
    if (!isObject(entry) || typeof entry.file !== 'string') throw new FormatError(source, `predictions[${i}] has no "file" name`);
    const what = `predictions[${i}] (${entry.file})`;
    const joints = toCpmPose(entry.joints as Rows, order, base, source, what).pose;
    if (entry.stages === undefined) return { file: entry.file, joints };
    if (!Array.isArray(entry.stages)) throw new FormatError(source, `${what}: "stages" is not a list`);
    const stages = entry.stages.map((s, t) => toCpmPose(s as Rows, order, base, source, `${what} stage ${t + 1}`).pose);
    return { file: entry.file, joints, stages };
  });
  return [{ name: typeof json.model === 'string' ? json.model : 'predictions', predictions }];
}

/** What inference adds to a prediction: which person of the image (how it was placed) and each joint's confidence. */
export interface PredictionExtras {
  /** The person's index in its image and how its crop was placed ({ box } or { center, height }). */
  person?: { index: number } & Record<string, unknown>;
  /** Per joint (CPM order, as `joints`): the belief maximum. */
  scores?: readonly number[];
}

/** Builds a predictions file (our format) from CPM-order, 0-based poses. */
export function buildPredictionsJson(predictions: readonly (PosePrediction & PredictionExtras)[], model?: string, base: CoordinateBase = 0): Json {
  return {
    format: PREDICTIONS_FORMAT,
    version: PREDICTIONS_VERSION,
    ...(model === undefined ? {} : { model }),
    joint_names: [...CPM_JOINT_NAMES],
    coordinate_base: base,
    predictions: predictions.map((p) => ({
      file: p.file,
      ...(p.person ? { person: p.person } : {}),
      joints: fromCpmPose(p.joints, base),
      ...(p.scores ? { scores: p.scores.map((v) => Math.round(v * 1e4) / 1e4) } : {}),
      ...(p.stages ? { stages: p.stages.map((s: Pose) => fromCpmPose(s, base)) } : {}),
    })),
  };
}
