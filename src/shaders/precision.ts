// Operand storage precision of the matrix-product kernels: f32, or f16 (IEEE half: 11-bit mantissa,
// largest finite 65504) read from storage and workgroup memory and accumulated in f32. Operands are
// rounded to f16 by one packing pass per call (`toF16`); the kernels that read them enable `f16`.
import type { BufferBinding, Engine } from '../tensor/engine.js';
import { EngineError } from '../tensor/errors.js';
import { perElementMain, elementWorkgroups } from '../tensor/kernel.js';
import { Tensor } from '../tensor/tensor.js';

export type StoragePrecision = 'f32' | 'f16';

const defaults = new WeakMap<Engine, StoragePrecision>();

/** Makes every conv2d call on `engine` that names no `storage` use this one (undefined: back to f32); checked when a call runs. */
export function setConv2dStorage(engine: Engine, storage: StoragePrecision | undefined): void {
  if (storage === undefined) defaults.delete(engine);
  else defaults.set(engine, storage);
}

/** The storage a call runs with: its own option, else the engine's default, else f32. */
export const storageFor = (engine: Engine, option: StoragePrecision | undefined): StoragePrecision => option ?? defaults.get(engine) ?? 'f32';

/** Throws, naming the option, where `storage` is not 'f32'/'f16' or f16 is asked for without the shader-f16 feature. */
export function checkStorage(op: string, engine: Engine, storage: StoragePrecision): void {
  if (storage !== 'f32' && storage !== 'f16') throw new EngineError(op, `storage must be "f32" or "f16", got ${String(storage)}`);
  if (storage === 'f16' && !engine.info.features['shader-f16'])
    throw new EngineError(op, `storage "f16" needs the shader-f16 feature, which this device lacks (use storage "f32")`);
}

const PACK_KERNEL = /* wgsl */ `
struct Params { skew: u32, count: u32, scale: f32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> Src: array<f32>;
@group(0) @binding(2) var<storage, read_write> Dst: array<u32>;
${perElementMain(
  '(params.count + 1u) / 2u',
  `  let a = Src[params.skew + 2u * i];
  let b = select(0.0, Src[min(params.skew + 2u * i + 1u, params.skew + params.count - 1u)], 2u * i + 1u < params.count);
  Dst[i] = pack2x16float(vec2<f32>(a, b) * params.scale);`,
)}`;

/**
 * `count` floats of `src` from element `skew`, times `scale` (a power of two keeps it exact), rounded to
 * f16 and packed two per word: bind as array<f16>.
 */
export function toF16(op: string, engine: Engine, src: BufferBinding, skew: number, count: number, scale = 1): Tensor {
  const words = Math.ceil(count / 2);
  const out = Tensor.empty(engine, [words], `${op} f16`);
  const uniforms = new Uint32Array([skew, count, 0, 0]);
  new Float32Array(uniforms.buffer, 8, 1)[0] = scale;
  engine.dispatch({ op, kernel: { code: PACK_KERNEL }, bindings: [src, out.binding(op)], uniforms, workgroups: elementWorkgroups(engine, words) });
  return out;
}
