// Learning-rate schedules: a multiplier of the base rate per step (0-based).
export type Schedule = (step: number) => number;

export const constantSchedule: Schedule = () => 1;

/** Caffe's "step" policy: gamma^floor(step / stepSize). */
export function stepSchedule(o: { gamma: number; stepSize: number }): Schedule {
  if (!(o.stepSize > 0)) throw new Error(`stepSchedule: stepSize must be positive, got ${o.stepSize}`);
  return (step) => o.gamma ** Math.floor(step / o.stepSize);
}

/** gamma^(number of milestones ≤ step). */
export function multiStepSchedule(milestones: number[], gamma: number): Schedule {
  return (step) => gamma ** milestones.filter((m) => step >= m).length;
}
