// The one place where joint orders are defined and mapped. Everything in the product uses CPM order
// (below); dataset orders are converted once, when annotations are read (docs/data-and-evaluation.md#joints).

/** The 14 joints in CPM order, short names; the belief maps add a background channel as index 14. */
export const JOINT_NAMES = ['head', 'neck', 'Rsho', 'Relb', 'Rwri', 'Lsho', 'Lelb', 'Lwri', 'Rhip', 'Rkne', 'Rank', 'Lhip', 'Lkne', 'Lank'] as const;

/** The same joints by their full names, as scoring files name them. */
export const CPM_JOINT_NAMES = [
  'Head top',
  'Neck',
  'Right shoulder',
  'Right elbow',
  'Right wrist',
  'Left shoulder',
  'Left elbow',
  'Left wrist',
  'Right hip',
  'Right knee',
  'Right ankle',
  'Left hip',
  'Left knee',
  'Left ankle',
] as const;

/** Labels for pictures and command lines: HEAD, NECK, RSHO … LANK. */
export const CPM_JOINT_SHORT_NAMES: readonly string[] = JOINT_NAMES.map((n) => n.toUpperCase());

export const NUM_JOINTS = 14;
/** Belief-map channels: 14 joints + background. */
export const NUM_CHANNELS = NUM_JOINTS + 1;
export const BACKGROUND_CHANNEL = NUM_JOINTS;

/** Named indices into a CPM-order pose. */
export const J = {
  headTop: 0,
  neck: 1,
  rShoulder: 2,
  rElbow: 3,
  rWrist: 4,
  lShoulder: 5,
  lElbow: 6,
  lWrist: 7,
  rHip: 8,
  rKnee: 9,
  rAnkle: 10,
  lHip: 11,
  lKnee: 12,
  lAnkle: 13,
} as const;

/** Limbs for drawing, CPM's list (1,2) (3,4) (4,5) (6,7) (7,8) (9,10) (10,11) (12,13) (13,14), 0-based. */
export const LIMBS: readonly (readonly [number, number])[] = [
  [0, 1],
  [2, 3],
  [3, 4],
  [5, 6],
  [6, 7],
  [8, 9],
  [9, 10],
  [11, 12],
  [12, 13],
];

/** Extra segments drawn only for readability: neck–shoulders, shoulders–hips, hip–hip. */
export const TORSO_SEGMENTS: readonly (readonly [number, number])[] = [
  [1, 2],
  [1, 5],
  [2, 8],
  [5, 11],
  [8, 11],
];

/** FLIP_PARTNER[j] = the joint that j becomes under a horizontal mirror (left ↔ right). */
export const FLIP_PARTNER: readonly number[] = [0, 1, 5, 6, 7, 2, 3, 4, 11, 12, 13, 8, 9, 10];

/** True for joints on the person's right side (drawn in one colour family in pictures). */
export function isRightJoint(j: number): boolean {
  return (j >= 2 && j <= 4) || (j >= 8 && j <= 10);
}

/** LSP file order, as in joints.json's joint_names. */
export const LSP_JOINT_NAMES = [
  'Right ankle',
  'Right knee',
  'Right hip',
  'Left hip',
  'Left knee',
  'Left ankle',
  'Right wrist',
  'Right elbow',
  'Right shoulder',
  'Left shoulder',
  'Left elbow',
  'Left wrist',
  'Neck',
  'Head top',
] as const;

/**
 * LSP / LSPet files store: Rank, Rkne, Rhip, Lhip, Lkne, Lank, Rwri, Relb, Rsho, Lsho, Lelb, Lwri, neck, head.
 * CPM_FROM_LSP[cpmIndex] = lspIndex.
 */
export const CPM_FROM_LSP: readonly number[] = [13, 12, 8, 7, 6, 9, 10, 11, 2, 1, 0, 3, 4, 5];

/**
 * MPII (0-based): 0 rank, 1 rkne, 2 rhip, 3 lhip, 4 lkne, 5 lank, 6 pelvis, 7 thorax, 8 upper neck,
 * 9 head top, 10 rwri, 11 relb, 12 rsho, 13 lsho, 14 lelb, 15 lwri. Pelvis and thorax are dropped
 * (docs/data-and-evaluation.md#joints). CPM_FROM_MPII[cpmIndex] = mpiiIndex.
 */
export const CPM_FROM_MPII: readonly number[] = [9, 8, 12, 11, 10, 13, 14, 15, 2, 1, 0, 3, 4, 5];

/** Reorder a joints array (stride 3: x, y, v) from a dataset order to CPM order. */
export function reorderJoints(src: ArrayLike<number>, cpmFromSrc: readonly number[]): Float32Array {
  const out = new Float32Array(NUM_JOINTS * 3);
  for (let j = 0; j < NUM_JOINTS; j++) {
    const s = cpmFromSrc[j]!;
    out[j * 3] = src[s * 3]!;
    out[j * 3 + 1] = src[s * 3 + 1]!;
    out[j * 3 + 2] = src[s * 3 + 2]!;
  }
  return out;
}
