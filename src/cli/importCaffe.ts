// `cpm import-caffe MODEL.caffemodel OUT.safetensors`: the authors' released models as our checkpoints.
import { convertCaffeModel } from '../cpm/caffe/convert.js';
import { CONFIGS, getConfig, parameterCount } from '../cpm/config.js';
import { choice, int, parseCommand, text, type Command } from './options.js';

/** `cpm import-caffe`'s options. */
export const IMPORT_CAFFE_COMMAND = {
  name: 'import-caffe',
  usage: 'cpm import-caffe MODEL.caffemodel OUT.safetensors [options]',
  summary:
    "Converts a CPM Caffe model (the authors' LSP / MPII / MPII+LSP 6-stage centerMap models or the FLIC 4-stage one;\n" +
    '"layer" or V1 "layers" files) into a checkpoint for infer, evaluate, the demo and train --init-from. Stages and joints\n' +
    'come from the file; every shape is checked.',
  options: {
    config: choice(Object.keys(CONFIGS), "check every width and kernel against this configuration (default: take them from the file's shapes)"),
    prototxt: text("the deploy prototxt: its convolutions must be the caffemodel's", { metavar: 'FILE' }),
    'input-size': int('crop size written into the checkpoint (default 368)', { min: 8, multipleOf: 8 }),
  },
  positionals: { name: 'MODEL.caffemodel OUT.safetensors', min: 2, max: 2 },
} as const satisfies Command;

export function importCaffeCommand(argv: string[]): void {
  const a = parseCommand(IMPORT_CAFFE_COMMAND, argv);
  if (!a) return;
  const [model, out] = a.positionals as [string, string];
  const v = a.values;
  const r = convertCaffeModel(model, out, { config: v.config ? getConfig(v.config) : undefined, inputSize: v['input-size'], prototxt: v.prototxt });
  const c = r.config;
  console.log(
    `${model} (${r.layout}${r.netName ? `, net "${r.netName}"` : ''}): ${c.stages} stages, ${c.joints} joints, ${r.params.size / 2} convolutions, ` +
      `${parameterCount(c).toLocaleString('en-US')} parameters → ${out} (configuration "${c.name}", input ${c.inputSize})`,
  );
}
