import { randomUUID } from 'node:crypto';
import { regions } from '../../src/db/schema.js';
import { toGlobalId } from '../../src/shared/ids.js';
import type { TestHub } from './hub.js';

export type Level = 'PROVINCE' | 'DISTRICT' | 'SUBDISTRICT' | 'VILLAGE';

/**
 * Inserts a region (reference data: the API reads regions, never writes them) and returns its
 * database id. Codes get a unique suffix so several test files can share a template database.
 */
export async function addRegion(hub: TestHub, level: Level, name: string, parentId: string | null, code: string | null = null) {
  const id = randomUUID();
  await hub.database.db.insert(regions).values({ id, level, name, parentId, code: code ? `${code}-${id.slice(0, 6)}` : null });
  return id;
}

export const regionGid = (id: string) => toGlobalId('Region', id);
