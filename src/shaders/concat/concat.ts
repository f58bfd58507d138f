// Channel concat of NCHW tensors (CPM: [features, previous beliefs, center map]); backward = slices.
import { record } from '../../autograd/graph.js';
import { EngineError } from '../../tensor/errors.js';
import { elementWorkgroups, perElementMain } from '../../tensor/kernel.js';
import { Tensor } from '../../tensor/tensor.js';

/** Copies a block of `channels` planes per image between tensors with different channel counts. */
function channelCopyKernel(n: number, channels: number, plane: number, srcChannels: number, srcOffset: number, dstChannels: number, dstOffset: number): string {
  const total = n * channels * plane;
  return /* wgsl */ `
@group(0) @binding(1) var<storage, read> Src: array<f32>;
@group(0) @binding(2) var<storage, read_write> Dst: array<f32>;
${perElementMain(
  total,
  `  let p = i % ${plane}u;
  let c = (i / ${plane}u) % ${channels}u;
  let b = i / ${channels * plane}u;
  Dst[(b * ${dstChannels}u + ${dstOffset}u + c) * ${plane}u + p] = Src[(b * ${srcChannels}u + ${srcOffset}u + c) * ${plane}u + p];`,
)}`;
}

function copyChannels(op: string, src: Tensor, srcOffset: number, dst: Tensor, dstOffset: number, channels: number): void {
  const [n, srcC] = src.shape as [number, number];
  const dstC = dst.shape[1]!;
  const plane = src.size / (n * srcC);
  src.engine.dispatch({
    op,
    kernel: { code: channelCopyKernel(n, channels, plane, srcC, srcOffset, dstC, dstOffset) },
    bindings: [src.binding(op), dst.binding(op)],
    workgroups: elementWorkgroups(src.engine, n * channels * plane),
  });
}

/** x[:, start:start+length] along the channel axis. */
export function slice(x: Tensor, axis: number, start: number, length: number): Tensor {
  const op = 'slice';
  if (axis !== 1) throw new EngineError(op, `only the channel axis (1) is supported, got ${axis}`);
  const c = x.shape[1]!;
  if (start < 0 || length < 1 || start + length > c) throw new EngineError(op, `channels [${start}, ${start + length}) are outside ${x.describe()}`);
  const shape = [...x.shape];
  shape[1] = length;
  const y = Tensor.empty(x.engine, shape, op);
  copyChannels(op, x, start, y, 0, length);
  return record(y, op, [x], (dy) => {
    const dx = Tensor.empty(x.engine, x.shape, `${op} grad`);
    dx.engine.dispatch({ op: 'zero', kernel: { code: zeroKernel(dx.size) }, bindings: [dx.binding(op)], workgroups: elementWorkgroups(dx.engine, dx.size) });
    copyChannels(`${op}Grad`, dy, 0, dx, start, length);
    return [dx];
  });
}

function zeroKernel(n: number): string {
  return `@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
${perElementMain(n, '  Y[i] = 0.0;')}`;
}

/** Concatenates along the channel axis (axis 1); all other dimensions must match. */
export function concat(xs: Tensor[], axis = 1): Tensor {
  const op = 'concat';
  if (xs.length === 0) throw new EngineError(op, 'no tensors given');
  if (axis !== 1) throw new EngineError(op, `only the channel axis (1) is supported, got ${axis}`);
  const first = xs[0]!;
  for (const x of xs) {
    if (x.rank < 2 || x.rank !== first.rank || x.shape.some((d, i) => i !== 1 && d !== first.shape[i])) {
      throw new EngineError(op, `${x.describe()} does not match ${first.describe()} outside the channel axis`);
    }
  }
  const shape = [...first.shape];
  shape[1] = xs.reduce((s, x) => s + x.shape[1]!, 0);
  const y = Tensor.empty(first.engine, shape, op);
  let offset = 0;
  const offsets = xs.map((x) => {
    copyChannels(op, x, 0, y, offset, x.shape[1]!);
    offset += x.shape[1]!;
    return offset - x.shape[1]!;
  });
  return record(y, op, xs, (dy) =>
    xs.map((x, i) => {
      const dx = Tensor.empty(x.engine, x.shape, `${op} grad`);
      copyChannels(`${op}Grad`, dy, offsets[i]!, dx, 0, x.shape[1]!);
      return dx;
    }),
  );
}
