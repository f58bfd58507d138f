// `cpm infer`: image(s) in, JSON keypoints out; optionally the skeleton over each image and each
// stage's belief maps.
import { basename, join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { loadCheckpoint } from '../cpm/checkpoint-file.js';
import { CpmModel } from '../cpm/model.js';
import { personFromImageFrame } from '../data/annotation.js';
import { readImageFile } from '../data/node/files.js';
import { buildPredictionsJson } from '../eval/predictionsFormat.js';
import { CPM_JOINT_SHORT_NAMES } from '../eval/joints.js';
import type { SubpixelMethod } from '../eval/keypoints.js';
import { boxesFor, personFromPlacement, placementFromOptions, type Placement } from '../infer/people.js';
import { readBoxesFile } from '../infer/people-file.js';
import { predictPeople, REFERENCE_SCALES } from '../infer/predict.js';
import { peopleOverlay, stageBeliefs } from '../infer/pictures.js';
import { writeFileAtomic } from '../io/files.js';
import { init } from '../index.node.js';
import { encodePng } from '../viz/png.js';
import { parseFlags, type Flags } from './args.js';

const HELP = `cpm infer IMAGE... --checkpoint FILE [options]

Predicts the 14 joints of the person in each image and writes them, with each joint's confidence
(its belief maximum), as a predictions JSON file. Without a box the person stands at the image
centre and its height maps to 0.8 of the crop (the LSP rule).

  --checkpoint FILE   trained or imported model (safetensors; without our metadata the configuration comes from the shapes)
  --input-size N      crop size (default: the checkpoint's; 368 for a state dict of unknown widths)
  --box X,Y,W,H       the person's box (COCO-style, pixels): crop centred on it, its larger side as the person height
  --center X,Y --height H   the person's centre (0-based pixels) and height in pixels (the MPII test rule)
  --boxes FILE        one or many people per image: {"im.jpg": [[x,y,w,h], ...]} or [{"file", "bbox"}, ...];
                      one pose per box; without IMAGE arguments the images are the file's names, beside it
  --out DIR           where to write predictions.json and pictures (default out/infer)
  --overlay           also write <image>-skeleton.png
  --beliefs J,J,...   also write <image>-beliefs.png with each stage's maps for these joints (names or indices, e.g. rwri,rank,head)
  --scales LIST       test-time scales, e.g. 0.7,0.8,0.9,1,1.1,1.2,1.3 or "reference" (default 1)
  --subpixel METHOD   none | quadratic | gaussian (default none)
  --adapter NAME
`;

function jointIndices(list: string): number[] {
  return list.split(',').map((s) => {
    const i = /^\d+$/.test(s) ? Number(s) : CPM_JOINT_SHORT_NAMES.findIndex((n) => n.toLowerCase() === s.toLowerCase());
    if (!(i >= 0 && i < 15)) throw new Error(`--beliefs: unknown joint "${s}" (names: ${CPM_JOINT_SHORT_NAMES.join(', ')})`);
    return i;
  });
}

/** The images and each one's people: --boxes, else --box or --center/--height for all (null: the whole-image rule). */
function people(f: Flags): { images: string[]; of: (file: string) => Placement[] | null } {
  const one = placementFromOptions({ box: f.string('box'), center: f.string('center'), height: f.string('height') });
  const boxes = f.string('boxes');
  if (!boxes) return { images: f.positional, of: () => (one ? [one] : null) };
  if (one) throw new Error('--boxes places every person; leave out --box, --center and --height');
  const file = readBoxesFile(boxes);
  return { images: f.positional.length > 0 ? f.positional : file.images, of: (image) => boxesFor(file.table, image, boxes) };
}

export async function inferCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv, ['overlay']);
  const placed = people(f);
  if (f.has('help') || placed.images.length === 0) return void console.log(HELP);
  const ckPath = f.required('checkpoint');
  const ck = loadCheckpoint(ckPath, { inputSize: f.has('input-size') ? f.number('input-size', 368) : undefined });
  const engine = await init({ adapter: f.string('adapter') });
  const model = new CpmModel(engine, ck.config);
  model.load(ck.params, ckPath);
  const out = f.string('out') ?? 'out/infer';
  mkdirSync(out, { recursive: true });
  const scalesFlag = f.string('scales');
  const scales = scalesFlag === 'reference' ? REFERENCE_SCALES : scalesFlag ? scalesFlag.split(',').map(Number) : [1];
  const subpixel = (f.string('subpixel') ?? 'none') as SubpixelMethod;
  const predictions: Parameters<typeof buildPredictionsJson>[0][number][] = [];
  const joints = f.string('beliefs');
  for (const file of placed.images) {
    const image = readImageFile(file);
    const where = placed.of(file);
    const persons = where ? where.map((p, i) => personFromPlacement(p, `${file} person ${i}`)) : [personFromImageFrame(new Float32Array(42), image.width, image.height)];
    const results = await predictPeople(model, image, persons, { scales, subpixel, id: basename(file) });
    results.forEach((r, i) => predictions.push({ file: basename(file), ...(where ? { person: { index: i, ...where[i] } } : {}), joints: r.pose, scores: r.scores, stages: r.stages }));
    const stem = join(out, basename(file).replace(/\.[^.]+$/, ''));
        if (f.has('overlay')) writeFileAtomic(`${stem}-skeleton.png`, encodePng(peopleOverlay(image, results.map((r, i) => ({ pose: r.pose, ...where?.[i] })))));
    results.forEach((r, i) => joints && writeFileAtomic(`${stem}${results.length > 1 ? `-person${i}` : ''}-beliefs.png`, encodePng(stageBeliefs(r.sample, r.beliefs, jointIndices(joints)))));
  }
  const json = join(out, 'predictions.json');
  writeFileAtomic(json, JSON.stringify(buildPredictionsJson(predictions, ck.config.name), null, 1));
  console.log(`wrote ${json}${f.has('overlay') ? ' and skeleton pictures' : ''}${f.string('beliefs') ? ' and belief pictures' : ''} in ${out}`);
}

const EVALUATE_HELP = `cpm evaluate --checkpoint FILE [--dataset DIR] [options]

Runs the model on a dataset (default: generated validation people) and prints PCK per stage beside
the mean-pose floor (fitted on the training split of the same dataset).

  --dataset DIR       LSP / LSPet / MPII folder
  --range A:B         1-based inclusive entries to evaluate (e.g. 2501:3000 for LSPet validation)
  --train-range A:B   entries the mean pose is fitted on (default: the dataset's training split)
  --count N           evaluate at most N images
  --alpha X           PCK threshold (default 0.2)
  --joints all|visible  (default visible)
  --scales LIST, --subpixel METHOD, --upsample none|bilinear|bicubic
`;

function rangeFlag(v: string | undefined): [number, number] | undefined {
  const m = v ? /^(\d+):(\d+)$/.exec(v) : null;
  if (v && !m) throw new Error(`a range must look like 2501:3000, got "${v}"`);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export async function evaluateCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv);
  if (f.has('help')) return void console.log(EVALUATE_HELP);
  const { evaluateModel, fitMeanPoseOn } = await import('../cpm/evaluate.js');
  const { openDataset } = await import('../data/index.js');
  const { formatPartTable } = await import('../eval/table.js');
  const ckPath = f.required('checkpoint');
  const ck = loadCheckpoint(ckPath);
  const engine = await init({ adapter: f.string('adapter') });
  const model = new CpmModel(engine, ck.config);
  model.load(ck.params, ckPath);
  const dir = f.string('dataset');
  const imageSize = Math.round(ck.config.inputSize * 1.25);
  const range = rangeFlag(f.string('range'));
  const trainRange = rangeFlag(f.string('train-range'));
  const evalSet = dir ? openDataset(dir, range ? { range } : { split: 'val' }) : openDataset(undefined, { split: 'val', imageSize, count: f.number('count', 200) });
  const trainSet = dir ? openDataset(dir, trainRange ? { range: trainRange } : { split: 'train' }) : openDataset(undefined, { split: 'train', imageSize });
  const scalesFlag = f.string('scales');
  const ev = await evaluateModel(model, evalSet, {
    count: f.number('count', evalSet.length), alpha: f.number('alpha', 0.2), joints: (f.string('joints') ?? 'visible') as 'visible' | 'all',
    scales: scalesFlag === 'reference' ? REFERENCE_SCALES : scalesFlag ? scalesFlag.split(',').map(Number) : [1],
    subpixel: (f.string('subpixel') ?? 'none') as SubpixelMethod, upsample: (f.string('upsample') ?? 'bilinear') as 'none' | 'bilinear' | 'bicubic',
  }, await fitMeanPoseOn(trainSet, 1000));
  console.log(`${ev.truths.length} persons of ${evalSet.name}; PCK@${f.number('alpha', 0.2)}`);
  console.log(formatPartTable([...ev.stages.map((table, t) => ({ label: `stage ${t + 1}`, table })), { label: 'mean pose', table: ev.meanPose! }]));
}
