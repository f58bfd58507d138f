// The benchmark's cases: CPM's layer shapes (docs/network.md#names) and the peers' shapes
// (docs/benchmarks.md#peers), with PyTorch-CPU figures measured on this machine where they exist.

export interface ConvBenchCase {
  name: string;
  n: number;
  cin: number;
  cout: number;
  size: number;
  k: number;
  /** TF.js WebGPU GFLOP/s measured in 2026-11 (docs/benchmarks.md#peers; forward, dX, dW), where measured. */
  tfjsMeasured?: [number | null, number | null, number | null];
}

const conv = (name: string, cin: number, cout: number, size: number, k: number, n = 1, extra: Partial<ConvBenchCase> = {}): ConvBenchCase => ({
  name,
  n,
  cin,
  cout,
  size,
  k,
  ...extra,
});

export const FULL_CONV_CASES: ConvBenchCase[] = [
  conv('stage≥2 mconv1 11×11 48→128 @46', 48, 128, 46, 11),
  conv('stage≥2 mconv2 11×11 128→128 @46', 128, 128, 46, 11, 1, { tfjsMeasured: [3.5, null, null] }),
  conv('stage≥2 mconv4 1×1 128→128 @46', 128, 128, 46, 1, 1, { tfjsMeasured: [3.3, null, null] }),
  conv('stage≥2 mconv5 1×1 128→15 @46', 128, 15, 46, 1, 1, { tfjsMeasured: [1.1, null, null] }),
  conv('stage≥2 features 5×5 128→32 @46', 128, 32, 46, 5),
  conv('peer 7×7 128→128 @46', 128, 128, 46, 7, 1, { tfjsMeasured: [3.5, 5.0, 1.2] }),
  conv('stage1 conv5 9×9 32→512 @46', 32, 512, 46, 9),
  conv('stage1 conv6 1×1 512→512 @46', 512, 512, 46, 1),
  conv('conv3 9×9 128→128 @92', 128, 128, 92, 9),
  conv('peer 3×3 128→128 @92', 128, 128, 92, 3, 1, { tfjsMeasured: [3.9, null, null] }),
  conv('conv2 9×9 128→128 @184', 128, 128, 184, 9),
  conv('conv1 9×9 3→128 @368', 3, 128, 368, 9),
  conv('peer 3×3 3→64 @368', 3, 64, 368, 3, 1, { tfjsMeasured: [1.1, null, null] }),
  conv('stage≥2 mconv2 11×11 128→128 @46, batch 8', 128, 128, 46, 11, 8),
  conv('stage≥2 mconv4 1×1 128→128 @46, batch 8', 128, 128, 46, 1, 8),
];

export const QUICK_CONV_CASES: ConvBenchCase[] = [
  conv('tiny 3×3 8→8 @12', 8, 8, 12, 3),
  conv('tiny 5×5 4→6 @9, batch 2', 4, 6, 9, 5, 2),
  conv('tiny 1×1 16→5 @8', 16, 5, 8, 1),
];

export interface MemoryBenchCase {
  name: string;
  op: 'maxPool' | 'relu' | 'reluGrad' | 'concat' | 'l2Loss' | 'sgd';
  shape: number[];
  tfjsMeasuredMs?: number;
}

export const FULL_MEMORY_CASES: MemoryBenchCase[] = [
  { name: 'max-pool 3×3/2, 64×184×184', op: 'maxPool', shape: [1, 64, 184, 184] },
  { name: 'max-pool 3×3/2, 128×368×368 (conv1)', op: 'maxPool', shape: [1, 128, 368, 368] },
  { name: 'ReLU 128×46×46', op: 'relu', shape: [1, 128, 46, 46] },
  { name: 'ReLU gradient 128×46×46', op: 'reluGrad', shape: [1, 128, 46, 46] },
  { name: 'ReLU 128×46×46, batch 8', op: 'relu', shape: [8, 128, 46, 46] },
  { name: 'max-pool 3×3/2, 64×184×184, batch 8', op: 'maxPool', shape: [8, 64, 184, 184] },
  { name: 'concat [32, 15, 1]×46×46', op: 'concat', shape: [1, 32, 46, 46] },
  { name: 'L2 loss 15×46×46, batch 16', op: 'l2Loss', shape: [16, 15, 46, 46] },
  { name: 'SGD update, 11×11 128→128 weights', op: 'sgd', shape: [128, 128, 11, 11] },
];

export const QUICK_MEMORY_CASES: MemoryBenchCase[] = [
  { name: 'max-pool 3×3/2, 4×15×15', op: 'maxPool', shape: [1, 4, 15, 15] },
  { name: 'ReLU 8×9×9', op: 'relu', shape: [1, 8, 9, 9] },
  { name: 'ReLU gradient 8×9×9', op: 'reluGrad', shape: [1, 8, 9, 9] },
  { name: 'max-pool 3×3/2, 3×16×16, batch 2', op: 'maxPool', shape: [2, 3, 16, 16] },
  { name: 'concat [4, 3, 1]×5×5', op: 'concat', shape: [1, 4, 5, 5] },
  { name: 'L2 loss 15×4×4, batch 2', op: 'l2Loss', shape: [2, 15, 4, 4] },
  { name: 'SGD update 1000', op: 'sgd', shape: [1000] },
];
