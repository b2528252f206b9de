/**
 * `npm run seed`: migrates the configured database and seeds the demo data set if it is empty.
 * DATABASE_URL selects PostgreSQL; without it PGlite in DATA_DIR (default ./.data) is used.
 */
import { loadConfig } from '../config.js';
import { createDatabase, type Database } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { DEMO_COORDINATOR_EMAIL, DEMO_PASSWORD, seedDemoData } from './seed.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const target = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
  let database: Database | undefined;
  try {
    database = await createDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
    await migrate(database);
    const seeded = await seedDemoData(database.db, { log: (msg) => console.log(`[seed] ${msg}`) });
    if (seeded) {
      console.log(`[seed] ${target}: demo data written. Sign in as ${DEMO_COORDINATOR_EMAIL} with password ${DEMO_PASSWORD}`);
      if (config.production) console.warn('[seed] warning: NODE_ENV=production, and the demo accounts\' password is public (README)');
    } else {
      console.log(`[seed] ${target}: the database already has users or organisations; nothing seeded.`);
    }
  } finally {
    await database?.close();
  }
}

main().catch((err: unknown) => {
  const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
  console.error(`[seed] failed: ${err instanceof Error ? err.message : String(err)}${cause}`);
  process.exitCode = 1;
});
