// Pairs predictions with ground truth by file name, so scoring functions get two aligned lists.
import { FormatError } from './convention.js';
import type { PersonTruth, Pose, PosePrediction } from './types.js';

export interface MatchedSet {
  readonly predictions: readonly Pose[];
  readonly truths: readonly PersonTruth[];
  /** stages[t][i]: stage t+1's pose for person i; present only if every prediction has the same number of stages. */
  readonly stages?: readonly (readonly Pose[])[];
}

/** Every prediction must name a ground-truth file, once; ground-truth files without a prediction are not scored. */
export function matchPredictions(predictions: readonly PosePrediction[], truths: readonly PersonTruth[], source: string): MatchedSet {
  const byFile = new Map<string, PersonTruth>();
  for (const t of truths) byFile.set(t.file, t);
  const seen = new Set<string>();
  const matchedTruths: PersonTruth[] = [];
  for (const p of predictions) {
    const t = byFile.get(p.file);
    if (!t) throw new FormatError(source, `prediction for "${p.file}", which is not in the ground truth`);
    if (seen.has(p.file)) throw new FormatError(source, `two predictions for "${p.file}"`);
    seen.add(p.file);
    matchedTruths.push(t);
  }
  const poses = predictions.map((p) => p.joints);
  const nStages = predictions[0]?.stages?.length ?? 0;
  const allStaged = nStages > 0 && predictions.every((p) => p.stages?.length === nStages);
  if (!allStaged) return { predictions: poses, truths: matchedTruths };
  const stages = Array.from({ length: nStages }, (_, t) => predictions.map((p) => p.stages![t]!));
  return { predictions: poses, truths: matchedTruths, stages };
}
