// Shared types for scoring: poses are CPM-order arrays of 0-based pixel points.

/** [x, y] in 0-based pixel coordinates (pixel i has its centre at i). */
export type Point = readonly [number, number];

/** 14 points in CPM joint order. */
export type Pose = readonly Point[];

/** Head rectangle as [x1, y1, x2, y2] (MPII's annorect x1,y1,x2,y2). */
export type HeadBox = readonly [number, number, number, number];

/** One annotated person: the ground truth a prediction is scored against. */
export interface PersonTruth {
  /** Image file name (or any id) that predictions are matched by. */
  readonly file: string;
  readonly joints: Pose;
  /** Per joint: true if annotated/visible. Absent means all visible. */
  readonly visible?: readonly boolean[];
  /** Optional MPII head box, used by PCKh. */
  readonly headBox?: HeadBox;
}

/** One image's predicted pose, optionally with each stage's pose (stage 1 … T; the last equals `joints`). */
export interface PosePrediction {
  readonly file: string;
  readonly joints: Pose;
  readonly stages?: readonly Pose[];
}
