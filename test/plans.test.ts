import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VALUE_DEPENDENT_PLAN } from '../src/db/client.js';
import { startHub, type TestHub } from './support/hub.js';

const onPostgres = process.env.TEST_DATABASE === 'postgres';

// Plan caching is a property of PostgreSQL connections; PGlite plans each statement as it comes.
// So is the backend's allocator, which each connection settles (src/db/client.ts).
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
    // Every pooled connection left on PostgreSQL's choice by a marked statement first: whichever
    // one the transaction gets, it must run on generic plans.
    await Promise.all(Array.from({ length: 30 }, () => mode(true)));
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

  it('walk an index for every descending page order: no page sorts all of its parent\'s rows', async () => {
    // As the lists order them (drizzle's desc(): DESC, i.e. NULLS FIRST); with sorting made
    // prohibitively expensive, a Sort node remains only where no index yields the order.
    const id = '00000000-0000-0000-0000-000000000000';
    const pages = [
      `select * from threads where circle_id = '${id}' order by last_activity_at desc, id desc limit 21`,
      `select * from threads where circle_id = '${id}' order by created_at desc, id desc limit 21`,
      `select * from resources order by created_at desc, id desc limit 21`,
      `select * from follow_ups where circle_id = '${id}' order by created_at desc, id desc limit 21`,
      `select * from follow_ups where gathering_id = '${id}' order by created_at desc, id desc limit 21`,
      `select * from posts where thread_id = '${id}' order by created_at asc, id asc limit 51`,
    ];
    await hub.database.db
      .transaction(async (tx) => {
        await tx.execute(sql`set local enable_sort = off`);
        for (const page of pages) {
          const res: any = await tx.execute(sql.raw(`explain ${page}`));
          const plan = res.rows.map((r: any) => r['QUERY PLAN']).join('\n');
          expect(plan, page).not.toMatch(/Sort/);
        }
        throw new Error('done');
      })
      .catch((err) => {
        if (err.message !== 'done') throw err;
      });
  });
  it("leave a connection's backend keeping what a large answer allocated for the next: no fresh pages faulted in per execution", async (t) => {
    // A statement shaped like the hub's pages (rows as JSON arrays, aggregated in order, wrapped
    // in the levels above them), answering about 100 KB. glibc's default would hand the memory
    // back after each execution and fault it in again on the next: hundreds of page faults each.
    const page = (n: number) =>
      sql`select json_build_array(json_build_array((select coalesce(json_agg(json_build_array(g, md5(g::text), repeat('y', 120), now()) order by g desc), '[]'::json) from generate_series(1, ${n}::int) g))) as page`;
    await hub.database.db
      .transaction(async (tx) => {
        const res: any = await tx.execute(sql`select pg_backend_pid() as pid`);
        const stat = `/proc/${res.rows[0].pid}/stat`;
        // The backend's minor faults (field 10), readable where PostgreSQL runs on this machine.
        if (!existsSync(stat)) return t.skip();
        const faults = () => Number(readFileSync(stat, 'utf8').split(') ')[1].split(' ')[7]);
        for (let i = 0; i < 5; i++) await tx.execute(page(600));
        const before = faults();
        const runs = 40;
        for (let i = 0; i < runs; i++) await tx.execute(page(600));
        const perRun = (faults() - before) / runs;
        expect(perRun).toBeLessThan(10);
        throw new Error('done');
      })
      .catch((err) => {
        if (err.message !== 'done') throw err;
      });
  });
});
