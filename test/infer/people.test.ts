// Inference where the person is: the crop is placed on each box (or centre and height) as the
// reference test code places a person (docs/data-and-evaluation.md#crops: centre, then height → target_dist · 200 px at 368).
// An oracle model draws the ground truth where that rule puts it in the crop; predictPeople must
// map it back onto the ground truth in the photo, for the LSP images with their boxes and for two
// people in one picture. Bad boxes are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, type Engine, type Tensor } from '../../src/index.node.js';
import type { RgbImage } from '../../src/data/image.js';
import { readImageFile } from '../../src/data/node/files.js';
import { beliefTargets, defaultJointSigma } from '../../src/data/targets.js';
import { boxesFor, parseBoxesJson, personFromPlacement, placementFromOptions, type Placement } from '../../src/infer/people.js';
import { predictPeople, type BeliefModel } from '../../src/infer/predict.js';
import { fromArray } from '../../src/tensor/tensor.js';
import { boxAround, LSP, lspTruth, twoPeople } from './lsp-helpers.js';

const S = 128;

let engine: Engine;
test.before(async () => {
  engine = await init();
});

/** Draws, for each forward in turn, the next person's ground truth where the test-time rule places it in the crop. */
class OracleModel implements BeliefModel {
  readonly inputSize = S;
  queue: { joints: Float32Array; center: [number, number]; height: number }[] = [];
  drawn: Float32Array[] = [];
  constructor(readonly engine: Engine) {}
  forward(image: Tensor): Tensor[] {
    const p = this.queue.shift()!;
    const s = (41 / 35 / (p.height / 200)) * (S / 368);
    const crop = new Float32Array(42);
    for (let j = 0; j < 14; j++) {
      crop[j * 3] = s * (p.joints[j * 3]! - p.center[0]) + S / 2;
      crop[j * 3 + 1] = s * (p.joints[j * 3 + 1]! - p.center[1]) + S / 2;
      crop[j * 3 + 2] = 1;
    }
    assert.equal(image.shape, [1, 3, S, S]);
    const maps = beliefTargets([crop], S, defaultJointSigma(S));
    this.drawn.push(maps);
    return [fromArray(this.engine, maps, [1, 15, S / 8, S / 8]), fromArray(this.engine, maps, [1, 15, S / 8, S / 8])];
  }
}

/** Predicts every placed person of `image`; returns the worst joint error in photo pixels and the scores. */
async function worst(
  image: RgbImage,
  people: { joints: Float32Array; placement: Placement }[],
): Promise<{ error: number; scores: number[][]; peaks: number[][] }> {
  const model = new OracleModel(engine);
  model.queue = people.map(({ joints, placement }) =>
    'box' in placement
      ? {
          joints,
          center: [placement.box[0] + placement.box[2] / 2 - 0.5, placement.box[1] + placement.box[3] / 2 - 0.5],
          height: Math.max(placement.box[2], placement.box[3]),
        }
      : { joints, ...placement },
  );
  const results = await predictPeople(
    model,
    image,
    people.map((p, i) => personFromPlacement(p.placement, `person ${i}`)),
    { upsample: 'none' },
  );
  assert.is(results.length, people.length);
  let error = 0;
  results.forEach((r, i) => {
    r.pose.forEach(([x, y], j) => {
      error = Math.max(error, Math.hypot(x - people[i]!.joints[j * 3]!, y - people[i]!.joints[j * 3 + 1]!));
    });
  });
  const G = S / 8;
  const peaks = model.drawn.map((maps) => Array.from({ length: 14 }, (_, j) => Math.max(...maps.subarray(j * G * G, (j + 1) * G * G))));
  return { error, scores: results.map((r) => r.scores), peaks };
}

// On the stride-8 grid the argmax is within half a cell of the peak: 4√2 crop px, over the crop scale.
const tolerance = (height: number) => (4 * Math.SQRT2 + 0.01) / ((41 / 35 / (height / 200)) * (S / 368));

test('--box on the LSP images with their ground-truth boxes: each pose maps back onto the ground truth', async () => {
  for (const { file, joints } of lspTruth()) {
    const box = boxAround(joints);
    const r = await worst(readImageFile(`${LSP}/images/${file}`), [{ joints, placement: { box } }]);
    assert.ok(r.error <= tolerance(Math.max(box[2], box[3])), `${file}: worst joint ${r.error.toFixed(2)} px`);
    assert.equal(r.scores[0], r.peaks[0], `${file}: per-joint confidence is the belief maximum`);
  }
});

test('--center/--height and two people in one picture (a boxes JSON): one pose per person, each on its own', async () => {
  const {
    image: both,
    joints: [ja, jb],
  } = twoPeople();
  const table = parseBoxesJson({ 'two.png': [boxAround(ja), boxAround(jb)] }, 'boxes.json');
  const placed = boxesFor(table, '/some/folder/two.png', 'boxes.json');
  assert.is(placed.length, 2);
  const r = await worst(both, [
    { joints: ja, placement: placed[0]! },
    { joints: jb, placement: placed[1]! },
  ]);
  assert.ok(r.error <= tolerance(200), `worst joint ${r.error.toFixed(2)} px`);
  const centre = placementFromOptions({ center: '40,95', height: '190' })!;
  const c = await worst(both, [{ joints: ja, placement: centre }]);
  assert.ok(c.error <= tolerance(190), `--center/--height: worst joint ${c.error.toFixed(2)} px`);
});

test('bad boxes and options are refused, naming the file, entry or option', () => {
  assert.throws(() => parseBoxesJson({ 'a.jpg': [[1, 2, 3]] }, 'b.json'), /b.json: "a.jpg" box 0: a box is \[x, y, w, h\]/);
  assert.throws(() => parseBoxesJson({ 'a.jpg': [1, 2, 0, 5] }, 'b.json'), /b.json: "a.jpg" box 0: a box is \[x, y, w, h\] with w, h > 0/);
  assert.throws(() => parseBoxesJson([{ bbox: [1, 2, 3, 4] }], 'c.json'), /c.json: entry 0 has no "file" name/);
  assert.throws(() => parseBoxesJson({}, 'd.json'), /d.json: no boxes/);
  assert.throws(() => boxesFor(parseBoxesJson([{ file: 'x.jpg', bbox: [0, 0, 5, 5] }], 'e.json'), 'y.jpg', 'e.json'), /e.json: no boxes for y.jpg/);
  assert.throws(() => placementFromOptions({ box: '1,2,3' }), /--box takes 4 comma-separated numbers, got "1,2,3"/);
  assert.throws(() => placementFromOptions({ center: '4,5' }), /--center and --height go together/);
  assert.throws(() => personFromPlacement(placementFromOptions({ center: '4,5', height: '-3' })!, 'cli'), /cli: height must be a positive number/);
  assert.is(placementFromOptions({}), null);
});

test.run();
