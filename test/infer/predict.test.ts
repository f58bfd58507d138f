// The inference geometry end to end: an oracle model that returns each crop's own target maps must
// give back the ground truth in original image pixels, at one scale and across a scale search.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, type Engine, type Tensor } from '../../src/index.node.js';
import { openDataset } from '../../src/data/index.js';
import { preprocessForEval } from '../../src/data/preprocess.js';
import type { RawSample, Sample } from '../../src/data/types.js';
import { predictPose, type BeliefModel } from '../../src/infer/predict.js';
import { fromArray } from '../../src/tensor/tensor.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

/** Returns, for each forward, the targets of the crop predictPose is expected to make next. */
class OracleModel implements BeliefModel {
  readonly inputSize = 128;
  queue: Sample[] = [];
  constructor(readonly engine: Engine) {}
  expect(raw: RawSample, scales: number[]): void {
    this.queue = scales.map((m) => preprocessForEval(raw, { size: this.inputSize }, m));
  }
  forward(image: Tensor): Tensor[] {
    const s = this.queue.shift()!;
    assert.is(image.shape[2], s.size);
    const shape = [1, 15, s.grid, s.grid];
    return [fromArray(this.engine, s.targetAll, shape), fromArray(this.engine, s.target, shape)];
  }
}

async function worstError(scales: number[], upsample: 'bilinear' | 'none'): Promise<number> {
  const ds = openDataset(undefined, { seed: 3, count: 4 });
  const model = new OracleModel(engine);
  let worst = 0;
  for (let i = 0; i < 4; i++) {
    const raw = await ds.load(i);
    model.expect(raw, scales);
    const r = await predictPose(model, raw, { scales, upsample });
    assert.is(r.stages.length, 2);
    const gt = raw.persons[raw.main]!.joints;
    const m = preprocessForEval(raw, { size: 128 }, 1);
    for (let j = 0; j < 14; j++) {
      const [cx, cy] = [m.joints[j * 3]!, m.joints[j * 3 + 1]!];
      const inside = cx >= 4 && cy >= 4 && cx < 124 && cy < 124; // a joint cut off by the crop has no peak
      if (gt[j * 3 + 2] !== 1 || !inside) continue;
      const [px, py] = r.pose[j]!;
      worst = Math.max(worst, Math.hypot(px - gt[j * 3]!, py - gt[j * 3 + 1]!) * m.meta.scale);
    }
  }
  return worst;
}

// Errors are measured in crop pixels. Targets are Gaussians on a stride-8 grid, so the argmax can be
// off by half a cell (4 px) plus the bilinear peak shift; a wrong affine would be off by tens of pixels.
test('single scale, argmax on the grid: the oracle pose maps back within half a cell', async () => {
  const worst = await worstError([1], 'none');
  assert.ok(worst <= 4 * Math.SQRT2 + 0.01, `worst error ${worst.toFixed(2)} crop px`);
});

test('scale search 0.8/1/1.2 with upsampled, summed beliefs still lands on the ground truth', async () => {
  const worst = await worstError([0.8, 1, 1.2], 'bilinear');
  assert.ok(worst <= 6, `worst error ${worst.toFixed(2)} crop px`);
});

test.run();
