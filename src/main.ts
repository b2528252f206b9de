import 'reflect-metadata';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { setLookahead } from './shared/prefetch.js';
import { createDatabase } from './db/client.js';
import { migrate } from './db/migrate.js';
import { DEMO_COORDINATOR_EMAIL, seedDemoData } from './demo/seed.js';
import { createLogger } from './logger.js';

async function main() {
  const started = performance.now();
  // Where a start's time goes, in the 'hub listening' line: operators of slow machines ask.
  const phases: Record<string, number> = { imports: Math.round(started) };
  let mark = started;
  const phase = (name: string) => {
    const t = performance.now();
    phases[name] = Math.round(t - mark);
    mark = t;
  };
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  setLookahead(config.lookahead);
  const database = await createDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
    poolSize: config.poolSize,
  });
  phase('database');
  logger.info('database open', {
    driver: database.driver,
    ...(database.driver === 'pglite' ? { dataDir: config.dataDir } : {}),
  });
  await migrate(database);
  phase('migrations');
  if (config.demoData) {
    if (config.production) {
      logger.warn('DEMO_DATA is on in production: the demo accounts sign in with the password published in the README; anyone can use them', {
        demoAccount: DEMO_COORDINATOR_EMAIL,
      });
    }
    const seeded = await seedDemoData(database.db, { log: (msg) => logger.info(msg) });
    if (seeded) logger.info(`demo data loaded; sign in as ${DEMO_COORDINATOR_EMAIL} (see README)`);
    phase('demoData');
  }
  const app = await buildApp({
    database,
    logger,
    port: config.port,
    host: config.host,
    security: config.security,
    explorer: config.explorer,
    corsOrigins: config.corsOrigins,
    responseCacheMb: config.responseCacheMb,
  });
  phase('app');
  logger.info(`hub listening on ${app.url}`, {
    startupMs: Math.round(performance.now()),
    phases,
    rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => {
      logger.error('shutdown took over 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await app.stop();
      await database.close();
      process.exit(0);
    } catch (err) {
      logger.error('shutdown failed', { err });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    console.error(`configuration error: ${err.message}`);
  } else {
    console.error('failed to start:', err);
  }
  process.exit(1);
});
