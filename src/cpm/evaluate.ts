// Scores a model on a dataset: per-stage PCK (every stage emits beliefs: the paper's Fig. 8c), with
// the mean-pose floor on the same persons beside it.
import type { PoseDataset } from '../data/dataset.js';
import type { Person } from '../data/types.js';
import { truthFromJointArray } from '../eval/jointArray.js';
import { fitMeanPose, predictMeanPose, type MeanPose, type PersonFrame } from '../eval/meanPose.js';
import { pck, type PckTable } from '../eval/pck.js';
import type { PersonTruth, Pose } from '../eval/types.js';
import { predictPose, type BeliefModel, type PredictOptions } from '../infer/predict.js';

export interface EvaluationOptions extends PredictOptions {
  alpha?: number;
  /** 'visible' (the training calibration's variant, default) or 'all' (the LSP benchmark). */
  joints?: 'visible' | 'all';
  /** Evaluate the first `count` samples only. */
  count?: number;
}

export interface Evaluation {
  /** PCK per stage, stage 1 first. */
  stages: PckTable[];
  meanPose: PckTable | null;
  predictions: { id: string; stages: Pose[] }[];
  truths: PersonTruth[];
}

/** The person's frame for the mean pose: its centre and its MPII-style height (scale · 200 px). */
export function frameOf(p: Person): PersonFrame {
  return { center: p.center, scale: p.scale * 200 };
}

/** Fits the mean-pose predictor on up to `count` persons of a (training) dataset. */
export async function fitMeanPoseOn(dataset: PoseDataset, count = 500): Promise<MeanPose> {
  const samples = [];
  for (let i = 0; i < Math.min(count, dataset.length); i++) {
    const raw = await dataset.load(i);
    const p = raw.persons[raw.main]!;
    const t = truthFromJointArray(raw.id, p.joints);
    samples.push({ joints: t.joints, visible: t.visible, frame: frameOf(p) });
  }
  return fitMeanPose(samples);
}

export async function evaluateModel(model: BeliefModel, dataset: PoseDataset, opts: EvaluationOptions = {}, meanPose?: MeanPose): Promise<Evaluation> {
  const n = Math.min(opts.count ?? dataset.length, dataset.length);
  const predictions: { id: string; stages: Pose[] }[] = [];
  const truths: PersonTruth[] = [];
  const floor: Pose[] = [];
  for (let i = 0; i < n; i++) {
    const raw = await dataset.load(i);
    const person = raw.persons[raw.main]!;
    const r = await predictPose(model, raw, opts);
    predictions.push({ id: raw.id, stages: r.stages });
    truths.push(truthFromJointArray(raw.id, person.joints));
    if (meanPose) floor.push(predictMeanPose(meanPose, frameOf(person)));
  }
  const score = (preds: Pose[]) => pck(preds, truths, { alpha: opts.alpha ?? 0.2, joints: opts.joints ?? 'visible' });
  const stages = predictions[0]?.stages.map((_, t) => score(predictions.map((p) => p.stages[t]!))) ?? [];
  return { stages, meanPose: meanPose ? score(floor) : null, predictions, truths };
}
