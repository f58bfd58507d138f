// CPM configurations as plain, validated data (docs/network.md#configurations), and what follows from
// them: parameter counts, multiply-adds per block, receptive field per stage.

export interface CpmConfig {
  name: string;
  /** Number of stages T (stage 1 plus T−1 refinement stages). */
  stages: number;
  /** Body joints P; the network predicts P+1 maps (the last is background). */
  joints: number;
  /** Input crop size S (multiple of 8); beliefs are S/8 × S/8. */
  inputSize: number;
  /** conv1–3 of stage 1 and of the shared trunk: channels and kernel (each followed by a 3×3/2 max pool). */
  trunkChannels: number;
  trunkKernel: number;
  /** Stage 1 conv4 (5×5→32 in the paper), conv5 (9×9→512), conv6 (1×1→512). */
  stage1Conv4: { channels: number; kernel: number };
  stage1Conv5: { channels: number; kernel: number };
  stage1Conv6Channels: number;
  /** Stage t ≥ 2: the features conv on the trunk (5×5→32). */
  featureChannels: number;
  featureKernel: number;
  /** Stage t ≥ 2: mconv1–3 (11×11→128) and mconv4 (1×1→128). */
  stageChannels: number;
  stageKernel: number;
  /** Dropout after stage-1 conv5 and conv6 when training. */
  dropout: number;
  /** 'gaussian': N(0, 0.01²) as released; 'he': √(2/fan-in) for convs followed by ReLU, 0.01 for output convs. */
  init: 'gaussian' | 'he';
  /** The recipe's optimizer when training asks for none (docs/training.md#recipes): the paper's SGD, or Adam when absent. */
  optimizer?: 'sgd' | 'adam';
}

const PAPER: CpmConfig = {
  name: 'paper',
  stages: 6,
  joints: 14,
  inputSize: 368,
  trunkChannels: 128,
  trunkKernel: 9,
  stage1Conv4: { channels: 32, kernel: 5 },
  stage1Conv5: { channels: 512, kernel: 9 },
  stage1Conv6Channels: 512,
  featureChannels: 32,
  featureKernel: 5,
  stageChannels: 128,
  stageKernel: 11,
  dropout: 0.5,
  init: 'gaussian',
  optimizer: 'sgd',
};

export const CONFIGS: Record<string, CpmConfig> = {
  paper: PAPER,
  flic: { ...PAPER, name: 'flic', stages: 4, joints: 9 },
  // The network of the PyTorch CPU calibration, exactly (docs/training.md#cpu-calibration).
  'cpm-small': {
    name: 'cpm-small',
    stages: 3,
    joints: 14,
    inputSize: 128,
    trunkChannels: 32,
    trunkKernel: 5,
    stage1Conv4: { channels: 16, kernel: 5 },
    stage1Conv5: { channels: 64, kernel: 5 },
    stage1Conv6Channels: 64,
    featureChannels: 16,
    featureKernel: 5,
    stageChannels: 32,
    stageKernel: 7,
    dropout: 0.5,
    init: 'he',
  },
  // The main job's model: cpm-small's structure, narrower, so a few CPU minutes train it visibly.
  'cpm-mini': {
    name: 'cpm-mini',
    stages: 3,
    joints: 14,
    inputSize: 128,
    trunkChannels: 16,
    trunkKernel: 5,
    stage1Conv4: { channels: 16, kernel: 5 },
    stage1Conv5: { channels: 48, kernel: 5 },
    stage1Conv6Channels: 48,
    featureChannels: 16,
    featureKernel: 5,
    stageChannels: 24,
    stageKernel: 7,
    dropout: 0,
    init: 'he',
  },
  // For tests: every block present, tiny.
  tiny: {
    name: 'tiny',
    stages: 2,
    joints: 14,
    inputSize: 32,
    trunkChannels: 4,
    trunkKernel: 3,
    stage1Conv4: { channels: 4, kernel: 3 },
    stage1Conv5: { channels: 8, kernel: 3 },
    stage1Conv6Channels: 8,
    featureChannels: 4,
    featureKernel: 3,
    stageChannels: 6,
    stageKernel: 3,
    dropout: 0,
    init: 'he',
  },
};

/** Checks every field; the message names the field and the rule it breaks. */
export function validateConfig(c: CpmConfig): CpmConfig {
  const fail = (field: string, rule: string) => {
    throw new Error(`CPM config "${c.name}": ${field} ${rule}`);
  };
  const posInt = (v: unknown, field: string) => {
    if (!Number.isInteger(v) || (v as number) < 1) fail(field, `must be a positive integer, got ${JSON.stringify(v)}`);
  };
  const oddKernel = (v: unknown, field: string) => {
    posInt(v, field);
    if ((v as number) % 2 !== 1) fail(field, `must be odd (same padding), got ${v}`);
  };
  if (typeof c.name !== 'string' || !c.name) fail('name', 'must be a non-empty string');
  posInt(c.stages, 'stages');
  posInt(c.joints, 'joints');
  posInt(c.inputSize, 'inputSize');
  if (c.inputSize % 8 !== 0) fail('inputSize', `must be a multiple of 8 (stride 8), got ${c.inputSize}`);
  posInt(c.trunkChannels, 'trunkChannels');
  oddKernel(c.trunkKernel, 'trunkKernel');
  posInt(c.stage1Conv4?.channels, 'stage1Conv4.channels');
  oddKernel(c.stage1Conv4?.kernel, 'stage1Conv4.kernel');
  posInt(c.stage1Conv5?.channels, 'stage1Conv5.channels');
  oddKernel(c.stage1Conv5?.kernel, 'stage1Conv5.kernel');
  posInt(c.stage1Conv6Channels, 'stage1Conv6Channels');
  posInt(c.featureChannels, 'featureChannels');
  oddKernel(c.featureKernel, 'featureKernel');
  posInt(c.stageChannels, 'stageChannels');
  oddKernel(c.stageKernel, 'stageKernel');
  if (!(c.dropout >= 0 && c.dropout < 1)) fail('dropout', `must be in [0, 1), got ${c.dropout}`);
  if (c.init !== 'gaussian' && c.init !== 'he') fail('init', `must be "gaussian" or "he", got ${JSON.stringify(c.init)}`);
  if (c.optimizer !== undefined && c.optimizer !== 'sgd' && c.optimizer !== 'adam')
    fail('optimizer', `must be "sgd" or "adam" when given, got ${JSON.stringify(c.optimizer)}`);
  return c;
}

export function getConfig(name: string): CpmConfig {
  const c = CONFIGS[name];
  if (!c) throw new Error(`unknown CPM configuration "${name}"; known: ${Object.keys(CONFIGS).join(', ')}`);
  return c;
}

/** One convolution of the network, in forward order, with where it sits. */
export interface LayerSpec {
  /** Parameter prefix, e.g. "stage2.mconv1" (docs/network.md#names). */
  name: string;
  block: string;
  cin: number;
  cout: number;
  kernel: number;
  /** Output (= input) spatial size. */
  size: number;
  relu: boolean;
}

/** Every convolution of the configuration, with its name (docs/network.md#names). */
export function layers(c: CpmConfig): LayerSpec[] {
  const S = c.inputSize;
  const P1 = c.joints + 1;
  const out: LayerSpec[] = [];
  const trunk = (prefix: string, block: string) => {
    let cin = 3;
    for (let i = 1; i <= 3; i++) {
      out.push({ name: `${prefix}.conv${i}`, block, cin, cout: c.trunkChannels, kernel: c.trunkKernel, size: S / 2 ** (i - 1), relu: true });
      cin = c.trunkChannels;
    }
  };
  const g = S / 8;
  trunk('stage1', 'stage1');
  out.push({ name: 'stage1.conv4', block: 'stage1', cin: c.trunkChannels, cout: c.stage1Conv4.channels, kernel: c.stage1Conv4.kernel, size: g, relu: true });
  out.push({
    name: 'stage1.conv5',
    block: 'stage1',
    cin: c.stage1Conv4.channels,
    cout: c.stage1Conv5.channels,
    kernel: c.stage1Conv5.kernel,
    size: g,
    relu: true,
  });
  out.push({ name: 'stage1.conv6', block: 'stage1', cin: c.stage1Conv5.channels, cout: c.stage1Conv6Channels, kernel: 1, size: g, relu: true });
  out.push({ name: 'stage1.conv7', block: 'stage1', cin: c.stage1Conv6Channels, cout: P1, kernel: 1, size: g, relu: false });
  if (c.stages > 1) trunk('trunk', 'trunk');
  for (let t = 2; t <= c.stages; t++) {
    const block = `stage${t}`;
    out.push({ name: `${block}.features`, block, cin: c.trunkChannels, cout: c.featureChannels, kernel: c.featureKernel, size: g, relu: true });
    let cin = c.featureChannels + P1 + 1;
    for (let i = 1; i <= 3; i++) {
      out.push({ name: `${block}.mconv${i}`, block, cin, cout: c.stageChannels, kernel: c.stageKernel, size: g, relu: true });
      cin = c.stageChannels;
    }
    out.push({ name: `${block}.mconv4`, block, cin: c.stageChannels, cout: c.stageChannels, kernel: 1, size: g, relu: true });
    out.push({ name: `${block}.mconv5`, block, cin: c.stageChannels, cout: P1, kernel: 1, size: g, relu: false });
  }
  return out;
}

export function parameterCount(c: CpmConfig): number {
  return layers(c).reduce((s, l) => s + l.cin * l.cout * l.kernel * l.kernel + l.cout, 0);
}

/** Multiply-adds of one forward pass per block (stage1, trunk, stage2, …), and the total. */
export function multiplyAdds(c: CpmConfig): { blocks: Record<string, number>; total: number } {
  const blocks: Record<string, number> = {};
  for (const l of layers(c)) blocks[l.block] = (blocks[l.block] ?? 0) + l.cin * l.cout * l.kernel * l.kernel * l.size * l.size;
  return { blocks, total: Object.values(blocks).reduce((a, b) => a + b, 0) };
}

/** Receptive field in input pixels of each stage's beliefs (stage t sees stage t−1's beliefs). */
export function receptiveFields(c: CpmConfig): number[] {
  let rf = 1;
  let jump = 1;
  for (let i = 0; i < 3; i++) {
    rf += (c.trunkKernel - 1) * jump;
    rf += 2 * jump; // 3×3 pool
    jump *= 2;
  }
  const trunkRf = rf;
  const stage1 = trunkRf + (c.stage1Conv4.kernel - 1) * jump + (c.stage1Conv5.kernel - 1) * jump;
  const fields = [stage1];
  const features = trunkRf + (c.featureKernel - 1) * jump;
  for (let t = 2; t <= c.stages; t++) fields.push(Math.max(features, fields[t - 2]!) + 3 * (c.stageKernel - 1) * jump);
  return fields;
}
