// `cpm infer`: image(s) in, JSON keypoints out; optionally the skeleton over each image and each
// stage's belief maps.
import { basename, join } from 'node:path';
import { loadCheckpoint } from '../cpm/checkpoint-file.js';
import { CpmModel } from '../cpm/model.js';
import { personFromImageFrame } from '../data/annotation.js';
import { readImageFile } from '../data/node/files.js';
import { buildPredictionsJson } from '../eval/predictionsFormat.js';
import { CPM_JOINT_SHORT_NAMES } from '../pose/joints.js';
import { boxesFor, personFromPlacement, placementFromOptions, type Placement } from '../infer/people.js';
import { readBoxesFile } from '../infer/people-file.js';
import { predictPeople, REFERENCE_SCALES } from '../infer/predict.js';
import { peopleOverlay, stageBeliefs } from '../infer/pictures.js';
import { makeFolder, writeFileAtomic } from '../io/files.js';
import { init } from '../index.node.js';
import { encodePng } from '../viz/png.js';
import { ADAPTER, choice, custom, flag, int, list, parseCommand, range, real, text, UsageError, type Command } from './options.js';

const SCALES = list('test-time scales, e.g. 0.7,0.8,0.9,1,1.1,1.2,1.3', { named: { reference: REFERENCE_SCALES }, default: [1] });
const SUBPIXEL = choice(['none', 'quadratic', 'gaussian'], "sub-pixel refinement of each belief map's argmax", { default: 'none' });

/** `cpm infer`'s options. */
export const INFER_COMMAND = {
  name: 'infer',
  usage: 'cpm infer IMAGE... --checkpoint FILE [options]',
  summary:
    "Predicts the 14 joints of each person and writes them, with each joint's confidence (its belief maximum), as\n" +
    'DIR/predictions.json. Without a box the person stands at the image centre and the image height maps to 0.8 of the crop (the LSP rule).',
  options: {
    checkpoint: text('trained or imported model (safetensors; without our metadata the configuration comes from the shapes)', {
      metavar: 'FILE',
      required: true,
    }),
    'input-size': int("crop size (default: the checkpoint's; 368 for a state dict of unknown widths)", { min: 8, multipleOf: 8 }),
    box: text("the person's box (COCO-style pixels): crop centred on it, its larger side as the person height", {
      metavar: 'X,Y,W,H',
      conflicts: ['center', 'height', 'boxes'],
    }),
    center: text("the person's centre (0-based pixels), with --height (the MPII test rule)", { metavar: 'X,Y', requires: 'height', conflicts: ['boxes'] }),
    height: text("the person's height in pixels, with --center", { metavar: 'H', requires: 'center' }),
    boxes: text(
      'one or many people per image: {"im.jpg": [[x,y,w,h], ...]} or [{"file", "bbox"}, ...]; one pose per box; without IMAGE arguments the images are the file\'s names, beside it',
      { metavar: 'FILE' },
    ),
    out: text('where to write predictions.json and pictures', { metavar: 'DIR', default: 'out/infer' }),
    overlay: flag('also write <image>-skeleton.png'),
    beliefs: custom(jointIndices, "also write <image>-beliefs.png with each stage's maps for these joints (names or indices, e.g. rwri,rank,head)", {
      metavar: 'J,J,...',
    }),
    scales: SCALES,
    subpixel: SUBPIXEL,
    ...ADAPTER,
  },
  positionals: { name: 'IMAGE', min: 0, max: Infinity },
} as const satisfies Command;

function jointIndices(list: string): number[] {
  return list.split(',').map((s) => {
    const i = /^\d+$/.test(s) ? Number(s) : CPM_JOINT_SHORT_NAMES.findIndex((n) => n.toLowerCase() === s.toLowerCase());
    if (!(i >= 0 && i < 15)) throw new Error(`unknown joint "${s}" (names: ${CPM_JOINT_SHORT_NAMES.join(', ')})`);
    return i;
  });
}

/** The images and each one's people: --boxes, else --box or --center/--height for all (null: the whole-image rule). */
function people(
  o: { box?: string; center?: string; height?: string; boxes?: string },
  positionals: string[],
): { images: string[]; of: (file: string) => Placement[] | null } {
  const one = placementFromOptions(o);
  if (one) personFromPlacement(one, 'infer'); // a bad box or height is refused before the checkpoint loads
  if (!o.boxes) return { images: positionals, of: () => (one ? [one] : null) };
  const boxes = o.boxes;
  const file = readBoxesFile(boxes);
  return { images: positionals.length > 0 ? positionals : file.images, of: (image) => boxesFor(file.table, image, boxes) };
}

export async function inferCommand(argv: string[]): Promise<void> {
  const a = parseCommand(INFER_COMMAND, argv);
  if (!a) return;
  const { checkpoint: ckPath, out, scales, subpixel, beliefs } = a.values;
  const placed = people(a.values, a.positionals);
  if (placed.images.length === 0) throw new UsageError('infer: no IMAGE given (name images, or give --boxes FILE naming them)');
  const ck = loadCheckpoint(ckPath, { inputSize: a.values['input-size'] });
  const engine = await init({ adapter: a.values.adapter });
  const model = new CpmModel(engine, ck.config);
  model.load(ck.params, ckPath);
  makeFolder(out);
  const predictions: Parameters<typeof buildPredictionsJson>[0][number][] = [];
  for (const file of placed.images) {
    const image = readImageFile(file);
    const where = placed.of(file);
    const persons = where
      ? where.map((p, i) => personFromPlacement(p, `${file} person ${i}`))
      : [personFromImageFrame(new Float32Array(42), image.width, image.height)];
    const results = await predictPeople(model, image, persons, { scales: [...scales], subpixel, id: basename(file) });
    results.forEach((r, i) => {
      predictions.push({ file: basename(file), ...(where ? { person: { index: i, ...where[i] } } : {}), joints: r.pose, scores: r.scores, stages: r.stages });
    });
    const stem = join(out, basename(file).replace(/\.[^.]+$/, ''));
    if (a.values.overlay)
      writeFileAtomic(
        `${stem}-skeleton.png`,
        encodePng(
          peopleOverlay(
            image,
            results.map((r, i) => ({ pose: r.pose, ...where?.[i] })),
          ),
        ),
      );
    if (beliefs)
      results.forEach((r, i) => {
        writeFileAtomic(`${stem}${results.length > 1 ? `-person${i}` : ''}-beliefs.png`, encodePng(stageBeliefs(r.sample, r.beliefs, beliefs)));
      });
  }
  const json = join(out, 'predictions.json');
  writeFileAtomic(json, JSON.stringify(buildPredictionsJson(predictions, ck.config.name), null, 1));
  console.log(`wrote ${json}${a.values.overlay ? ' and skeleton pictures' : ''}${beliefs ? ' and belief pictures' : ''} in ${out}`);
}

/** `cpm evaluate`'s options. */
export const EVALUATE_COMMAND = {
  name: 'evaluate',
  usage: 'cpm evaluate --checkpoint FILE [--dataset DIR] [options]',
  summary:
    'Runs the model on a dataset (default: generated validation people) and prints PCK per stage beside the mean-pose\n' +
    'floor (fitted on the training split of the same dataset).',
  options: {
    checkpoint: text('trained model', { metavar: 'FILE', required: true }),
    dataset: text('LSP / LSPet / MPII folder', { metavar: 'DIR' }),
    range: range('1-based inclusive entries to evaluate (e.g. 2501:3000 for LSPet validation; default: the validation split)', { requires: 'dataset' }),
    'train-range': range("entries the mean pose is fitted on (default: the dataset's training split)", { requires: 'dataset' }),
    count: int('evaluate at most N images (default: all; 200 generated)', { min: 1 }),
    alpha: real('PCK threshold', { above: 0, max: 1, default: 0.2 }),
    joints: choice(['visible', 'all'], 'joints scored', { default: 'visible' }),
    scales: SCALES,
    subpixel: SUBPIXEL,
    upsample: choice(['none', 'bilinear', 'bicubic'], 'belief maps resized to the crop before the argmax', { default: 'bilinear' }),
    ...ADAPTER,
  },
} as const satisfies Command;

export async function evaluateCommand(argv: string[]): Promise<void> {
  const a = parseCommand(EVALUATE_COMMAND, argv);
  if (!a) return;
  const v = a.values;
  if (v.upsample === 'none' && v.scales.some((m) => m !== 1))
    throw new UsageError(`evaluate: --scales ${v.scales.join(',')} needs --upsample bilinear or bicubic (the scales are summed in the crop's frame)`);
  const { evaluateModel, fitMeanPoseOn } = await import('../cpm/evaluate.js');
  const { openDataset } = await import('../data/index.js');
  const { formatPartTable } = await import('../eval/table.js');
  const ck = loadCheckpoint(v.checkpoint);
  const engine = await init({ adapter: v.adapter });
  const model = new CpmModel(engine, ck.config);
  model.load(ck.params, v.checkpoint);
  const dir = v.dataset;
  const imageSize = Math.round(ck.config.inputSize * 1.25);
  const evalSet = dir
    ? openDataset(dir, v.range ? { range: v.range } : { split: 'val' })
    : openDataset(undefined, { split: 'val', imageSize, count: v.count ?? 200 });
  const trainSet = dir
    ? openDataset(dir, v['train-range'] ? { range: v['train-range'] } : { split: 'train' })
    : openDataset(undefined, { split: 'train', imageSize });
  const ev = await evaluateModel(
    model,
    evalSet,
    {
      count: v.count,
      alpha: v.alpha,
      joints: v.joints,
      scales: [...v.scales],
      subpixel: v.subpixel,
      upsample: v.upsample,
    },
    await fitMeanPoseOn(trainSet, 1000),
  );
  console.log(`${ev.truths.length} persons of ${evalSet.name}; PCK@${v.alpha}`);
  console.log(formatPartTable([...ev.stages.map((table, t) => ({ label: `stage ${t + 1}`, table })), { label: 'mean pose', table: ev.meanPose! }]));
}
