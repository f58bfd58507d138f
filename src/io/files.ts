// Node file I/O that never leaves a half-written file behind.
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { decodeSafetensors, encodeSafetensors, type SafeFile, type SafeTensor } from './safetensors.js';

/** A file-system error in words a user can act on: "disk full", "read-only", … with the path. */
export function fileError(path: string, action: string, e: unknown): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOSPC: 'disk full',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'it is a folder',
    ENOENT: 'this folder takes no new files',
  };
  return new Error(`${path}: cannot ${action} (${(code && why[code]) ?? (e instanceof Error ? e.message : String(e))})`);
}

/** mkdir -p that fails at once: Node 20's recursive mkdirSync spins forever under /proc. */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  let p = resolve(dir);
  while (!existsSync(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
    p = dirname(p);
  }
  if (existsSync(p) && !statSync(p).isDirectory()) throw new Error(`${dir}: cannot create the folder (${p} is a file)`);
  for (const m of missing) {
    try {
      mkdirSync(m);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error(`${dir}: cannot create the folder ${m}: this file system takes no new folders (e.g. /proc)`);
      if (code !== 'EEXIST') throw fileError(dir, 'create the folder', e);
    }
  }
}

/**
 * Writes to a temporary file in the same folder, fsyncs it, renames it over `path`, and fsyncs the
 * folder. On failure the temporary file is removed and the error names the path and the cause.
 */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const dir = dirname(path);
  makeFolder(dir);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fileError(path, 'write', e);
  }
  const dfd = openSync(dir, 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
}

/** Appends one line to a log; a failure names the path and the cause (e.g. "disk full"). */
export function appendLine(path: string, line: string): void {
  try {
    appendFileSync(path, `${line}\n`);
  } catch (e) {
    throw fileError(path, 'append to the log', e);
  }
}

export function writeSafetensorsFile(path: string, tensors: Map<string, SafeTensor>, metadata: Record<string, string> = {}): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export function readSafetensorsFile(path: string): SafeFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return decodeSafetensors(bytes, path);
}
