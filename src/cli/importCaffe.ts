// `cpm import-caffe MODEL.caffemodel OUT.safetensors`: the authors' released models as our checkpoints.
import { convertCaffeModel } from '../cpm/caffe/convert.js';
import { getConfig, parameterCount } from '../cpm/config.js';
import { parseFlags } from './args.js';

const HELP = `cpm import-caffe MODEL.caffemodel OUT.safetensors [options]

Converts a CPM Caffe model (the authors' LSP / MPII / MPII+LSP 6-stage centerMap models or the FLIC
4-stage one; "layer" or V1 "layers" files) into a checkpoint for infer, evaluate, the demo and
train --init-from. Stages and joints come from the file; every shape is checked.

  --config NAME       check every width and kernel against this configuration (paper | flic | ...);
                      default: take them from the file's shapes
  --prototxt FILE     the deploy prototxt: its convolutions must be the caffemodel's
  --input-size N      crop size written into the checkpoint (default 368)
`;

export function importCaffeCommand(argv: string[]): void {
  const f = parseFlags(argv);
  if (f.has('help') || f.positional.length !== 2) return void console.log(HELP);
  const [model, out] = f.positional as [string, string];
  const config = f.string('config');
  const r = convertCaffeModel(model, out, { config: config ? getConfig(config) : undefined, inputSize: f.has('input-size') ? f.number('input-size', 368) : undefined, prototxt: f.string('prototxt') });
  const c = r.config;
  console.log(`${model} (${r.layout}${r.netName ? `, net "${r.netName}"` : ''}): ${c.stages} stages, ${c.joints} joints, ${r.params.size / 2} convolutions, ` +
    `${parameterCount(c).toLocaleString('en-US')} parameters → ${out} (configuration "${c.name}", input ${c.inputSize})`);
}
