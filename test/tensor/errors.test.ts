import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, tensor, relu, add, Engine, requestEngineDevice, GPUOpError, DeviceLostError, EngineError, Tensor } from '../../src/index.node.js';
import { nodeGPU } from '../../src/tensor/gpu-node.js';

let engine: Engine;
test.before(async () => {
  engine = await init();
});

const BROKEN_KERNEL = `@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@compute @workgroup_size(1) fn main() {
  let x: f32 = undefined_thing;
  Y[0] = x;
}`;

/** The error a dispatch of BROKEN_KERNEL as `op` surfaces at the next sync. */
async function brokenKernelError(op: string): Promise<GPUOpError> {
  const y = Tensor.empty(engine, [4], 'y');
  engine.dispatch({ op, kernel: { code: BROKEN_KERNEL }, bindings: [y.binding(op)], workgroups: 1 });
  y.dispose();
  let error: unknown = null;
  await engine.sync().catch((e: unknown) => (error = e));
  assert.instance(error, GPUOpError);
  return error as GPUOpError;
}

test('a shader that fails to compile is a GPUOpError naming the op, the line and column, and the source line', async () => {
  const e = await brokenKernelError('brokenKernel');
  assert.is(e.op, 'brokenKernel');
  assert.match(e.message, /^brokenKernel: WebGPU validation error: /);
  assert.match(e.message, /brokenKernel:3:16 error: unresolved value 'undefined_thing'/);
  assert.match(e.message, /\n {2}3 \| {3}let x: f32 = undefined_thing;\n {21}\^{15}/);
  // The failed pipeline is not cached: the same kernel fails the same way again (not with a bare invalid-pipeline error).
  assert.match((await brokenKernelError('brokenKernel')).message, /brokenKernel:3:16 error/);
  // The engine stays usable after a reported error.
  assert.equal(Array.from(await relu(tensor([-1, 2], [2])).read()), [0, 2]);
});

test('a shader compiled ahead of use reports its compiler errors the same way', async () => {
  try {
    await engine.pipelines.precompile('brokenAhead', { code: `${BROKEN_KERNEL}\n// another source: not the pipeline the test above cached` });
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, GPUOpError);
    assert.match((e as Error).message, /^brokenAhead: WebGPU pipeline error: brokenAhead:3:16 error: unresolved value/);
  }
  await engine.sync();
});

test('a wrong binding is a validation error naming the op, surfaced by read()', async () => {
  const x = tensor([1, 2, 3, 4], [4]);
  // The kernel declares two storage buffers but gets one.
  const code = `@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@compute @workgroup_size(1) fn main() { Y[0] = A[0]; }`;
  engine.dispatch({ op: 'missingBinding', kernel: { code }, bindings: [x.binding('missingBinding')], workgroups: 1 });
  try {
    await x.read();
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, GPUOpError);
    assert.match((e as Error).message, /missingBinding/);
  }
});

test('a binding larger than maxStorageBufferBindingSize is refused before dispatch', () => {
  const limit = engine.limits.maxStorageBufferBindingSize;
  const big = { buffer: engine.pool.acquire(256, 'fake'), size: limit + 4, name: '"activations" [2, 128, 368, 368]' };
  try {
    engine.dispatch({ op: 'conv1', kernel: { code: '@compute @workgroup_size(1) fn main() {}' }, bindings: [big], workgroups: 1 });
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, EngineError);
    assert.match((e as Error).message, /conv1: binding .*activations.* is [\d.]+ MiB, over this device's maxStorageBufferBindingSize/);
  }
  engine.pool.release(big.buffer);
});

test('a disposed tensor cannot be used, and the message names it', async () => {
  const t = tensor([1, 2], [2], 'features');
  t.dispose();
  assert.throws(() => relu(t), /relu: tensor "features" #\d+ \[2\] was disposed/);
  try {
    await t.read();
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /"features".*was disposed/);
  }
  t.dispose(); // twice is harmless
});

test('shape mismatches are refused with both tensors named', () => {
  assert.throws(() => add(tensor([1, 2], [2], 'a'), tensor([1, 2, 3], [3], 'b')), /add: shapes differ: "a" #\d+ \[2\] and "b" #\d+ \[3\]/);
});

test('a lost device turns every later op and read into DeviceLostError', async () => {
  const doomed = new Engine(await requestEngineDevice(nodeGPU()));
  const x = Tensor.empty(doomed, [4], 'x');
  await doomed.sync();
  doomed.destroy();
  await doomed.device.lost;
  try {
    relu(x);
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, DeviceLostError);
    assert.match((e as Error).message, /relu: the WebGPU device was lost \(destroyed\)/);
  }
  try {
    await x.read();
    assert.unreachable('should throw');
  } catch (e) {
    assert.instance(e, DeviceLostError);
  }
});

test.run();
