// Per-dispatch uniform blocks packed into shared chunks: one writeBuffer per chunk per submit.
// Each dispatch in a batch needs its own slot, since all queue writes land before the batch runs.

const CHUNK_BYTES = 64 * 1024;
const SLOT_ALIGN = 256; // minUniformBufferOffsetAlignment's maximum allowed value

interface Chunk {
  buffer: GPUBuffer;
  shadow: Uint8Array<ArrayBuffer>;
  used: number;
}

export interface UniformSlot {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

export class UniformArena {
  private chunks: Chunk[] = [];
  private current = 0;

  constructor(private readonly device: GPUDevice) {}

  /** Copies `data` into a fresh slot for the current batch. */
  alloc(data: ArrayBufferView): UniformSlot {
    const size = Math.max(16, Math.ceil(data.byteLength / 16) * 16);
    if (size > CHUNK_BYTES) throw new Error(`uniform block of ${size} bytes exceeds ${CHUNK_BYTES}`);
    let chunk = this.chunks[this.current];
    if (!chunk || chunk.used + size > CHUNK_BYTES) {
      if (chunk) this.current++;
      chunk = this.chunks[this.current];
      if (!chunk) {
        chunk = {
          buffer: this.device.createBuffer({ size: CHUNK_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'uniforms' }),
          shadow: new Uint8Array(CHUNK_BYTES),
          used: 0,
        };
        this.chunks.push(chunk);
      }
    }
    const offset = chunk.used;
    chunk.shadow.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offset);
    chunk.used = Math.ceil((offset + size) / SLOT_ALIGN) * SLOT_ALIGN;
    return { buffer: chunk.buffer, offset, size };
  }

  /** Uploads what this batch wrote; call right before submitting it. */
  upload(queue: GPUQueue): void {
    for (let i = 0; i <= this.current && i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      if (c.used > 0) queue.writeBuffer(c.buffer, 0, c.shadow, 0, c.used);
      c.used = 0;
    }
    this.current = 0;
  }
}
