// Reuses freed GPU buffers by size class so a training step allocates nothing after the first.

// STORAGE | COPY_SRC | COPY_DST as numbers, so this module loads before WebGPU's globals exist.
const STORAGE_USAGE = 0x0080 | 0x0004 | 0x0008;

/** Rounds up to a class: multiples of 1/8 of the power of two below, so at most 12.5 % is wasted. */
export function sizeClass(bytes: number): number {
  if (bytes <= 256) return 256;
  const step = Math.max(256, 2 ** Math.floor(Math.log2(bytes)) / 8);
  return Math.ceil(bytes / step) * step;
}

export interface PoolStats {
  /** Bytes of every GPU buffer this pool created and has not destroyed (in use or waiting in the pool). */
  allocatedBytes: number;
  allocatedBuffers: number;
  pooledBytes: number;
  pooledBuffers: number;
  peakAllocatedBytes: number;
}

export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private stats: PoolStats = { allocatedBytes: 0, allocatedBuffers: 0, pooledBytes: 0, pooledBuffers: 0, peakAllocatedBytes: 0 };

  constructor(
    private readonly device: GPUDevice,
    /** Freed buffers beyond this many bytes are destroyed instead of kept. */
    public maxPooledBytes = 2 ** 31,
  ) {}

  acquire(bytes: number, label: string): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused) {
      this.stats.pooledBytes -= size;
      this.stats.pooledBuffers--;
      return reused;
    }
    const buffer = this.device.createBuffer({ size, usage: STORAGE_USAGE, label });
    this.stats.allocatedBytes += size;
    this.stats.allocatedBuffers++;
    this.stats.peakAllocatedBytes = Math.max(this.stats.peakAllocatedBytes, this.stats.allocatedBytes);
    return buffer;
  }

  /** Returns a buffer for reuse; GPU work already recorded on it stays valid because the queue runs in order. */
  release(buffer: GPUBuffer): void {
    const size = buffer.size;
    let list = this.free.get(size);
    if (!list) {
      list = [];
      this.free.set(size, list);
    }
    list.push(buffer);
    this.stats.pooledBytes += size;
    this.stats.pooledBuffers++;
  }

  /** Destroys pooled buffers over the cap (call only after recorded work is submitted). */
  trim(maxBytes = this.maxPooledBytes): void {
    for (const [size, list] of this.free) {
      while (this.stats.pooledBytes > maxBytes && list.length > 0) {
        list.pop()!.destroy();
        this.stats.pooledBytes -= size;
        this.stats.pooledBuffers--;
        this.stats.allocatedBytes -= size;
        this.stats.allocatedBuffers--;
      }
    }
  }

  resetPeak(): void {
    this.stats.peakAllocatedBytes = this.stats.allocatedBytes;
  }

  snapshot(): PoolStats {
    return { ...this.stats };
  }
}
