import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VALUE_DEPENDENT_PLAN } from '../src/db/client.js';
import { startHub, type TestHub } from './support/hub.js';

const onPostgres = process.env.TEST_DATABASE === 'postgres';

// Plan caching is a property of PostgreSQL connections; PGlite plans each statement as it comes.
describe.skipIf(!onPostgres)('plans on PostgreSQL', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub();
  });
  afterAll(() => hub?.stop());

  const mode = async (marked: boolean) => {
    const res: any = await hub.database.db.execute(sql`${sql.raw(marked ? VALUE_DEPENDENT_PLAN : '')} select current_setting('plan_cache_mode') as mode, ${1}::int as one`);
    return res.rows[0].mode as string;
  };

  it('are generic for every statement but one marked as depending on its values, whichever connection runs them', async () => {
    // More statements than the pool has connections, interleaved, so every connection switches.
    const seen = await Promise.all(Array.from({ length: 30 }, (_, i) => mode(i % 3 === 0)));
    seen.forEach((m, i) => expect(m, `statement ${i}`).toBe(i % 3 === 0 ? 'auto' : 'force_generic_plan'));
  });

  it('keep a transaction on generic plans, and its rollback does not confuse the next statement', async () => {
    let inside: string | undefined;
    const rollback = new Error('roll back');
    await hub.database.db
      .transaction(async (tx) => {
        const res: any = await tx.execute(sql`${sql.raw(VALUE_DEPENDENT_PLAN)} select current_setting('plan_cache_mode') as mode`);
        inside = res.rows[0].mode;
        throw rollback;
      })
      .catch((err) => {
        if (err !== rollback) throw err;
      });
    expect(inside).toBe('force_generic_plan');
    expect(await mode(true)).toBe('auto');
    expect(await mode(false)).toBe('force_generic_plan');
  });
});
