// One process at a time per output folder: a lock file holding the owner's PID, created exclusively;
// a lock whose process is gone (killed, crashed) is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = '.lock';

export interface FolderLock {
  readonly path: string;
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Locks `dir` for this process; throws, naming the folder and the owner's PID, when a live process holds it. */
export function lockFolder(dir: string): FolderLock {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
    }
    const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) {
      throw new Error(`${dir} is in use by process ${owner} (lock file ${path}); wait for it to finish, or choose another output folder`);
    }
    console.warn(`${path}: taking over a stale lock${Number.isInteger(owner) ? ` of process ${owner}, which is no longer running` : ''}`);
    rmSync(path, { force: true });
  }
  let held = true;
  return {
    path,
    release() {
      if (held) rmSync(path, { force: true });
      held = false;
    },
  };
}
