import * as fs from 'node:fs';
import { MemorySystem } from '../memorySystem';
import type { SqliteDriver } from '../store/driver';
import { personalDatabasePath } from '../store/location';

/**
 * The user's own memories (preferences and the like), in one database shared by every workspace. Opened on
 * first use, and created only when the first personal memory is stored: reading never makes the file.
 */
export class PersonalMemories {
  private system: MemorySystem | undefined;

  constructor(readonly dbPath: string = personalDatabasePath(), private readonly driver?: SqliteDriver) {}

  open(create: boolean): MemorySystem | undefined {
    if (!this.system && (create || fs.existsSync(this.dbPath))) this.system = MemorySystem.open({ dbPath: this.dbPath, driver: this.driver });
    return this.system;
  }

  close(): void {
    this.system?.close();
    this.system = undefined;
  }
}
