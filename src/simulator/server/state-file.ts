import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { captureWorld, restoreWorld } from '../world/snapshot.ts';
import type { World } from '../world/world.ts';

const SAVE_EVERY_MS = 2_000;

/**
 * Keeps the world in a JSON file so a restarted simulator process still knows every linked device.
 * While something changes, the whole state is rewritten at most every 2 s (write, then rename, so a
 * crash never leaves half a file), and once more on stop. Meant for the sandbox and restart tests,
 * not for hundreds of sessions.
 */
export class StateFile {
  private dirty = false;
  private timer?: ReturnType<typeof setInterval>;
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly world: World,
  ) {}

  /** Restores the world if the file exists; returns whether it did. */
  load(): boolean {
    if (!existsSync(this.path)) return false;
    restoreWorld(this.world, readFileSync(this.path, 'utf8'));
    return true;
  }

  markDirty(): void {
    this.dirty = true;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.dirty) void this.save();
    }, SAVE_EVERY_MS);
  }

  save(): Promise<void> {
    this.dirty = false;
    this.saving = this.saving.then(async () => {
      const temp = `${this.path}.tmp`;
      await writeFile(temp, captureWorld(this.world));
      await rename(temp, this.path);
    });
    return this.saving;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.save();
  }
}
