// Per-stage accuracy: the model emits beliefs per stage, so every score can be given per stage.
import type { PckTable } from './pck.js';
import type { PersonTruth, Pose } from './types.js';

/** Applies one scoring function (e.g. pck or pckh with options bound) to each stage's predictions. */
export function scoreStages(
  stagePredictions: readonly (readonly Pose[])[],
  truths: readonly PersonTruth[],
  score: (predictions: readonly Pose[], truths: readonly PersonTruth[]) => PckTable,
): PckTable[] {
  return stagePredictions.map((preds) => score(preds, truths));
}
