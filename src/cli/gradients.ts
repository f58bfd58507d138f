// `cpm gradients`: the paper's Fig. 9. Trains the same configuration twice from the same
// initialisation and data, with intermediate supervision and with the last stage supervised only,
// recording every layer's gradient-magnitude histogram, then draws them side by side.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getConfig, layers } from '../cpm/config.js';
import { layersAcrossDepth, renderGradientFigure, type GradientRecord } from '../cpm/gradients.js';
import { train, type Strategy } from '../cpm/train.js';
import { writeFileAtomic } from '../io/files.js';
import { init } from '../index.node.js';
import { encodePng } from '../viz/png.js';
import { parseFlags } from './args.js';

export const GRADIENTS_HELP = `cpm gradients: gradient-magnitude histograms per layer depth, with and without intermediate supervision (Fig. 9)

  --config NAME    (default cpm-mini)
  --steps N        training steps of each run (default 60)
  --every N        record at step 1 and every N steps (default 20)
  --batch N        (default 4)
  --dataset DIR    (default: the built-in generated people)
  --layers N       layers drawn, spread over depth (default 5; the JSON has all)
  --out DIR        (default runs/gradients)
  --seed N, --adapter NAME

Writes DIR/gradients.json (every layer, every recorded step, both runs), DIR/gradients.png, and
each run's training log under DIR/intermediate and DIR/last-stage.
`;

export async function gradientsCommand(argv: string[]): Promise<void> {
  const f = parseFlags(argv);
  if (f.has('help')) return void console.log(GRADIENTS_HELP);
  const engine = await init({ adapter: f.string('adapter') });
  const config = getConfig(f.string('config') ?? 'cpm-mini');
  const out = f.string('out') ?? 'runs/gradients';
  const every = f.number('every', 20);
  const runs: { name: string; strategy: Strategy; dir: string }[] = [
    { name: 'intermediate supervision', strategy: 'e2e', dir: join(out, 'intermediate') },
    { name: 'last stage only', strategy: 'last-stage', dir: join(out, 'last-stage') },
  ];
  const results: { name: string; records: GradientRecord[] }[] = [];
  for (const run of runs) {
    console.log(`${run.name}: ${config.name}, ${f.number('steps', 60)} steps → ${run.dir}`);
    await train(engine, {
      config, dataset: f.string('dataset'), steps: f.number('steps', 60), batchSize: f.number('batch', 4), out: run.dir,
      strategy: run.strategy, seed: f.number('seed', 0), gradientsEvery: every, checkpointEvery: 0, quiet: true,
    });
    const lines = readFileSync(join(run.dir, 'gradients.jsonl'), 'utf8').trim().split('\n');
    results.push({ name: run.name, records: lines.map((l) => JSON.parse(l) as GradientRecord) });
  }
  const json = join(out, 'gradients.json');
  const png = join(out, 'gradients.png');
  writeFileAtomic(json, JSON.stringify({ config: config.name, every, runs: results }));
  const shown = layersAcrossDepth(layers(config), f.number('layers', 5));
  writeFileAtomic(png, encodePng(renderGradientFigure(results, shown)));
  console.log('mean |gradient| per layer depth at the first and last recorded step:');
  for (const layer of shown) {
    const cells = results.map((r) => {
      const at = (i: number) => r.records.at(i)?.layers.find((l) => l.layer === layer)?.meanAbs ?? NaN;
      return `${r.name}: ${at(0).toExponential(2)} → ${at(-1).toExponential(2)}`;
    });
    console.log(`  ${layer.padEnd(16)} ${cells.join('   ')}`);
  }
  console.log(`wrote ${json} and ${png}`);
}
