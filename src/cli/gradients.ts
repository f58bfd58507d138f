// `cpm gradients`: the paper's Fig. 9. Trains the same configuration twice from the same
// initialisation and data, with intermediate supervision and with the last stage supervised only,
// recording every layer's gradient-magnitude histogram, then draws them side by side.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getConfig, layers } from '../cpm/config.js';
import { layersAcrossDepth, renderGradientFigure, type GradientRecord } from '../cpm/gradients.js';
import type { Strategy } from '../cpm/step.js';
import { train } from '../cpm/train.js';
import { writeFileAtomic } from '../io/files.js';
import { init } from '../index.node.js';
import { encodePng } from '../viz/png.js';
import { ADAPTER, choice, int, parseCommand, text, type Command } from './options.js';
import { interruptible } from './run.js';
import { CONFIG_NAMES } from './train.js';

/** `cpm gradients`' options. */
export const GRADIENTS_COMMAND = {
  name: 'gradients',
  usage: 'cpm gradients [options]',
  summary:
    'Gradient-magnitude histograms per layer depth, with and without intermediate supervision (Fig. 9). Writes\n' +
    "DIR/gradients.json (every layer, every recorded step, both runs), DIR/gradients.png, and each run's training log\n" +
    'under DIR/intermediate and DIR/last-stage.',
  options: {
    config: choice(CONFIG_NAMES, 'configuration', { default: 'cpm-mini' }),
    steps: int('training steps of each run', { min: 1, default: 60 }),
    every: int('record at step 1 and every N steps', { min: 1, default: 20 }),
    batch: int('images per step', { min: 1, default: 4 }),
    dataset: text('LSP / LSPet / MPII folder (default: the built-in generated people)', { metavar: 'DIR' }),
    layers: int('layers drawn, spread over depth (the JSON has all)', { min: 1, default: 5 }),
    out: text('output folder', { metavar: 'DIR', default: 'runs/gradients' }),
    seed: int('seed', { min: 0, default: 0 }),
    ...ADAPTER,
  },
} as const satisfies Command;

export async function gradientsCommand(argv: string[]): Promise<void> {
  const a = parseCommand(GRADIENTS_COMMAND, argv);
  if (!a) return;
  const { steps, every, out } = a.values;
  const engine = await init({ adapter: a.values.adapter });
  const config = getConfig(a.values.config);
  const runs: { name: string; strategy: Strategy; dir: string }[] = [
    { name: 'intermediate supervision', strategy: 'e2e', dir: join(out, 'intermediate') },
    { name: 'last stage only', strategy: 'last-stage', dir: join(out, 'last-stage') },
  ];
  const results: { name: string; records: GradientRecord[] }[] = [];
  for (const run of runs) {
    console.log(`${run.name}: ${config.name}, ${steps} steps → ${run.dir}`);
    await interruptible((signal) =>
      train(engine, {
        config,
        dataset: a.values.dataset,
        steps,
        batchSize: a.values.batch,
        out: run.dir,
        strategy: run.strategy,
        seed: a.values.seed,
        gradientsEvery: every,
        checkpointEvery: 0,
        quiet: true,
        signal,
      }),
    );
    const lines = readFileSync(join(run.dir, 'gradients.jsonl'), 'utf8').trim().split('\n');
    results.push({ name: run.name, records: lines.map((l) => JSON.parse(l) as GradientRecord) });
  }
  const json = join(out, 'gradients.json');
  const png = join(out, 'gradients.png');
  writeFileAtomic(json, JSON.stringify({ config: config.name, every, runs: results }));
  const shown = layersAcrossDepth(layers(config), a.values.layers);
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
