import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { sql } from 'drizzle-orm';
import type { Database } from './client.js';

/**
 * The project's drizzle/ folder, found upwards from this module: it sits two levels up from
 * src/db/ (tsx) and dist/db/ (tsc), one from dist/main.js (npm start's bundle).
 */
function findMigrationsFolder(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'drizzle');
    if (existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`no drizzle/meta/_journal.json in ${here} or any folder above it`);
  }
}

export const migrationsFolder = findMigrationsFolder();

// Any fixed number: instances starting together against one PostgreSQL take turns migrating.
const MIGRATION_LOCK = 7_426_001;

export async function migrate(database: Database): Promise<void> {
  if (database.raw.kind === 'pglite') {
    await migratePglite(database.db as unknown as PgliteDatabase<any>, { migrationsFolder });
    return;
  }
  // Lock and migrations on one connection: a pool of one cannot lend a second.
  const client = await database.raw.pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migratePg(drizzle({ client }), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

/**
 * Whether the newest migration this build ships is applied: what readiness waits for. The
 * journal's `when` is what drizzle records as `created_at` of each applied migration.
 */
export async function migrationsApplied(database: Database): Promise<boolean> {
  const journal = JSON.parse(await readFile(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { when: number }[] };
  const newest = Math.max(...journal.entries.map((e) => e.when));
  try {
    // Both drivers answer execute() with `{ rows }`.
    const { rows } = (await database.db.execute(sql`select 1 from drizzle.__drizzle_migrations where created_at >= ${newest} limit 1`)) as unknown as { rows: unknown[] };
    return rows.length > 0;
  } catch {
    // No migrations table yet: nothing applied.
    return false;
  }
}
