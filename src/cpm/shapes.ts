// A CPM configuration from parameter shapes alone (docs/formats.md#state-dicts), and the check that a set of
// shapes is exactly the network of a configuration. Lets checkpoints from other frameworks and
// converted Caffe models load without our metadata.
import { CONFIGS, layers, validateConfig, type CpmConfig } from './config.js';

/** The paper's crop size, taken when neither an option nor a matching named configuration gives one. */
export const DEFAULT_INPUT_SIZE = 368;

export interface ShapeCheckOptions {
  /** Names a parameter in the caller's terms in errors (e.g. the Caffe layer it came from). */
  label?: (param: string) => string;
}

function missing(source: string, what: string, param: string, stages: number): Error {
  const block = param.split('.')[0]!;
  const where = block === 'trunk' ? 'the shared trunk' : `stage ${block.replace(/^stage/, '')}`;
  return new Error(`${source}: missing ${what}: ${where} of a ${stages}-stage CPM is incomplete`);
}

const sameShape = (a: readonly number[] | undefined, b: readonly number[]) => !!a && a.length === b.length && a.every((d, i) => d === b[i]);

/** Throws unless `shapes` holds exactly the parameters of `config`, each with its shape. */
export function checkShapes(config: CpmConfig, shapes: ReadonlyMap<string, readonly number[]>, source: string, opts: ShapeCheckOptions = {}): void {
  const label = opts.label ?? ((p: string) => `"${p}"`);
  const expected = new Set<string>();
  for (const l of layers(config)) {
    for (const [param, shape] of [
      [`${l.name}.weight`, [l.cout, l.cin, l.kernel, l.kernel]],
      [`${l.name}.bias`, [l.cout]],
    ] as const) {
      expected.add(param);
      const got = shapes.get(param);
      if (!got) throw missing(source, label(param), param, config.stages);
      if (!sameShape(got, shape)) throw new Error(`${source}: ${label(param)} has shape [${got}], the ${config.name} configuration needs [${shape}]`);
    }
  }
  for (const param of shapes.keys()) {
    if (!expected.has(param)) throw new Error(`${source}: ${label(param)} is not a parameter of a ${config.stages}-stage CPM with ${config.joints} joints`);
  }
}

/** Stage count: the largest t with any `stage{t}.` parameter (a gap then shows as a missing stage). */
export function stageCount(names: Iterable<string>): number {
  let stages = 0;
  for (const n of names) stages = Math.max(stages, Number(/^stage(\d+)\./.exec(n)?.[1] ?? 0));
  return stages;
}

/** The parameter shapes' part of a configuration: equal keys, equal tensors (the input size and training recipe change none). */
function weightsKey(c: CpmConfig): string {
  const { name: _n, dropout: _d, init: _i, inputSize: _s, optimizer: _o, ...rest } = c;
  return JSON.stringify(rest);
}

/** The named configuration (CONFIGS) with the same parameter shapes as `c`, if any. */
export function namedConfigLike(c: CpmConfig): CpmConfig | undefined {
  return Object.values(CONFIGS).find((k) => weightsKey(k) === weightsKey(c));
}

/**
 * The configuration whose network has exactly these shapes: stages, joints, widths and kernels from
 * the tensors. A named configuration with the same tensors lends its name, dropout, init, optimizer and input
 * size; `inputSize` overrides the input size, which is 368 when nothing gives one.
 */
export function configFromShapes(
  shapes: ReadonlyMap<string, readonly number[]>,
  source: string,
  opts: ShapeCheckOptions & { inputSize?: number } = {},
): CpmConfig {
  const label = opts.label ?? ((p: string) => `"${p}"`);
  const stages = stageCount(shapes.keys());
  const conv = (layer: string): { cout: number; kernel: number } => {
    const s = shapes.get(`${layer}.weight`);
    if (!s) throw missing(source, label(`${layer}.weight`), layer, stages);
    if (s.length !== 4 || s[2] !== s[3]) throw new Error(`${source}: ${label(`${layer}.weight`)} has shape [${s}], not a square OIHW convolution weight`);
    return { cout: s[0]!, kernel: s[2]! };
  };
  if (stages === 0) throw new Error(`${source}: no "stage1." parameters; not a CPM state dict (names: docs/network.md#names)`);
  const trunk = conv('stage1.conv1');
  const c4 = conv('stage1.conv4');
  const c5 = conv('stage1.conv5');
  const later = stages > 1;
  const features = later ? conv('stage2.features') : c4;
  const mconv = later ? conv('stage2.mconv1') : trunk;
  const inferred: CpmConfig = {
    name: 'inferred',
    stages,
    joints: conv('stage1.conv7').cout - 1,
    inputSize: opts.inputSize ?? DEFAULT_INPUT_SIZE,
    trunkChannels: trunk.cout,
    trunkKernel: trunk.kernel,
    stage1Conv4: { channels: c4.cout, kernel: c4.kernel },
    stage1Conv5: { channels: c5.cout, kernel: c5.kernel },
    stage1Conv6Channels: conv('stage1.conv6').cout,
    featureChannels: features.cout,
    featureKernel: features.kernel,
    stageChannels: mconv.cout,
    stageKernel: mconv.kernel,
    dropout: 0,
    init: 'gaussian',
  };
  const known = namedConfigLike(inferred);
  const config = known ? { ...known, inputSize: opts.inputSize ?? known.inputSize } : inferred;
  try {
    validateConfig(config);
  } catch (e) {
    throw new Error(`${source}: the shapes give an invalid configuration: ${(e as Error).message}`);
  }
  checkShapes(config, shapes, source, opts);
  return config;
}
