// GPU tensors: a shape over a contiguous float32 buffer, with explicit lifetime.
// Several handles can share one storage (reshape, tensors saved for backward); the buffer
// returns to the pool when the last handle is disposed.
import type { BufferBinding, Disposable, Engine } from './engine.js';
import { EngineError } from './errors.js';
import { Random } from './random.js';

export type DType = 'float32';
export type Shape = readonly number[];

const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4 };

class Storage {
  refs = 1;
  constructor(
    readonly engine: Engine,
    readonly buffer: GPUBuffer,
    readonly bytes: number,
  ) {
    engine.live.buffers++;
    engine.live.bytes += buffer.size;
  }

  release(): void {
    if (--this.refs > 0) return;
    this.engine.live.buffers--;
    this.engine.live.bytes -= this.buffer.size;
    this.engine.pool.release(this.buffer);
  }
}

/** Autograd's record of the op that produced a tensor (see src/autograd). */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Maps the output's gradient to one gradient per input (null where none is needed). */
  backward(dy: Tensor): (Tensor | null)[];
  /** Frees what the node saved for backward. */
  release(): void;
}

let nextId = 1;

export class Tensor implements Disposable {
  readonly id = nextId++;
  readonly size: number;
  /** Set by ops when autograd recorded this tensor's producer. */
  node: GradNode | null = null;
  /** True for parameters and for tensors whose gradient was asked for. */
  requiresGrad = false;
  /** Parameters are trainable leaves: no scope frees them, and optimizers update them in place. */
  kind: 'tensor' | 'parameter' = 'tensor';
  /** Accumulated gradient (parameters and leaves that require grad). */
  grad: Tensor | null = null;
  private storageRef: Storage | null;

  constructor(
    readonly engine: Engine,
    storage: Storage,
    readonly shape: Shape,
    readonly dtype: DType = 'float32',
    public name = '',
  ) {
    this.storageRef = storage;
    this.size = shapeSize(shape);
    engine.live.tensors++;
    engine.track(this);
  }

  /** Allocates an uninitialised tensor from the pool. */
  static empty(engine: Engine, shape: Shape, name = '', dtype: DType = 'float32'): Tensor {
    checkShape(shape, name || 'tensor');
    const bytes = shapeSize(shape) * BYTES_PER_ELEMENT[dtype];
    const max = engine.limits.maxBufferSize;
    if (bytes > max)
      throw new EngineError(
        name || 'tensor',
        `shape [${shape}] needs ${(bytes / 2 ** 20).toFixed(1)} MiB, over this device's maxBufferSize of ${(max / 2 ** 20).toFixed(0)} MiB`,
      );
    const buffer = engine.pool.acquire(Math.max(bytes, 4), name || 'tensor');
    return new Tensor(engine, new Storage(engine, buffer, bytes), shape, dtype, name);
  }

  get disposed(): boolean {
    return this.storageRef === null;
  }

  get bytes(): number {
    return this.size * BYTES_PER_ELEMENT[this.dtype];
  }

  get rank(): number {
    return this.shape.length;
  }

  private storage(op: string): Storage {
    if (!this.storageRef) throw new EngineError(op, `tensor ${this.describe()} was disposed and cannot be used`);
    return this.storageRef;
  }

  /** The GPU buffer, for kernels. Throws if disposed. */
  buffer(op = 'use'): GPUBuffer {
    return this.storage(op).buffer;
  }

  /** This tensor as a storage binding (optionally a range of elements), checked for use after dispose. */
  binding(op: string, offsetElements = 0, lengthElements = this.size - offsetElements): BufferBinding {
    const s = this.storage(op);
    const bpe = BYTES_PER_ELEMENT[this.dtype];
    return { buffer: s.buffer, offset: offsetElements * bpe, size: Math.max(lengthElements * bpe, 4), name: this.describe() };
  }

  describe(): string {
    return `${this.name ? `"${this.name}" ` : ''}#${this.id} [${this.shape.join(', ')}]`;
  }

  /** A new handle on the same storage with another shape of the same size. */
  reshape(shape: Shape): Tensor {
    const s = this.storage('reshape');
    checkShape(shape, 'reshape');
    if (shapeSize(shape) !== this.size) throw new EngineError('reshape', `cannot reshape ${this.describe()} (${this.size} elements) to [${shape.join(', ')}]`);
    s.refs++;
    return new Tensor(this.engine, s, [...shape], this.dtype, this.name);
  }

  /** Another handle on the same storage that no scope frees; the caller disposes it. */
  retain(): Tensor {
    const t = this.reshape(this.shape);
    this.engine.untrack(t);
    return t;
  }

  /** Copies the data back to the CPU. */
  async read(): Promise<Float32Array> {
    const data = await this.engine.read(`read ${this.describe()}`, this.binding('read'));
    return new Float32Array(data);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new EngineError('item', `tensor ${this.describe()} has ${this.size} elements, not 1`);
    return (await this.read())[0]!;
  }

  /** Frees this handle now; the buffer goes back to the pool once no handle uses it. */
  dispose(): void {
    if (!this.storageRef) return;
    this.storageRef.release();
    this.storageRef = null;
    // The autograd node stays: the graph may still run backward through this tensor's producer.
    this.engine.live.tensors--;
    if (this.grad) {
      this.grad.dispose();
      this.grad = null;
    }
  }
}

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function checkShape(shape: Shape, what: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new EngineError(what, `invalid shape [${shape.join(', ')}]: dimensions must be non-negative integers`);
  }
}

// ---- creation ----------------------------------------------------------------------------------

export function fromArray(engine: Engine, data: ArrayLike<number>, shape: Shape, name = ''): Tensor {
  checkShape(shape, name || 'tensor');
  if (data.length !== shapeSize(shape)) {
    throw new EngineError(name || 'tensor', `data has ${data.length} values but shape [${shape.join(', ')}] needs ${shapeSize(shape)}`);
  }
  const t = Tensor.empty(engine, shape, name);
  const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
  engine.upload(`upload ${t.describe()}`, f32, t.binding('upload'));
  return t;
}

export function full(engine: Engine, shape: Shape, value: number, name = ''): Tensor {
  checkShape(shape, name || 'full');
  return fromArray(engine, new Float32Array(shapeSize(shape)).fill(value), shape, name);
}

export interface RandomOptions {
  seed: number;
}

export function randomNormal(engine: Engine, shape: Shape, opts: RandomOptions & { mean?: number; std?: number }, name = ''): Tensor {
  const rng = new Random(opts.seed);
  const data = new Float32Array(shapeSize(shape));
  const mean = opts.mean ?? 0;
  const std = opts.std ?? 1;
  for (let i = 0; i < data.length; i++) data[i] = mean + std * rng.normal();
  return fromArray(engine, data, shape, name);
}

export function randomUniform(engine: Engine, shape: Shape, opts: RandomOptions & { low?: number; high?: number }, name = ''): Tensor {
  const rng = new Random(opts.seed);
  const data = new Float32Array(shapeSize(shape));
  const low = opts.low ?? 0;
  const high = opts.high ?? 1;
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * rng.uniform();
  return fromArray(engine, data, shape, name);
}
