import { randomBytes } from 'node:crypto';
import { writeFile, rm, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testDb: { kind: 'pglite'; dump: string } | { kind: 'pg'; adminUrl: string; template: string };
  }
}

export const adminUrl = () => process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Migrates once, then every test file starts from a copy: a PGlite data-dir dump, or a
 * PostgreSQL template database (TEST_DATABASE=postgres). Creating either from scratch per file
 * would cost seconds each.
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE === 'postgres') {
    const template = `hub_test_tmpl_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`create database ${template}`);
    const url = new URL(adminUrl());
    url.pathname = `/${template}`;
    const database = await createDatabase({ url: url.toString(), poolSize: 1 });
    await migrate(database);
    await database.close();
    project.provide('testDb', { kind: 'pg', adminUrl: adminUrl(), template });
    return async () => {
      const leftovers = await admin.query(`select datname from pg_database where datname like $1`, [`${template.replace('tmpl_', '')}%`]);
      for (const row of leftovers.rows) await admin.query(`drop database if exists ${row.datname} with (force)`);
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.end();
    };
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hub-test-'));
  const database = await createDatabase({});
  await migrate(database);
  const dump = path.join(dir, 'template.tar');
  const raw = database.raw;
  if (raw.kind !== 'pglite') throw new Error('unreachable');
  const blob = await raw.client.dumpDataDir('none');
  await writeFile(dump, Buffer.from(await blob.arrayBuffer()));
  await database.close();
  project.provide('testDb', { kind: 'pglite', dump });
  return () => rm(dir, { recursive: true, force: true });
}
