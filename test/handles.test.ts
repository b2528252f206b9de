import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit } from './support/seed-kit.js';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { handleBase, mentionedHandles } from '../src/shared/handles.js';

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
});
afterAll(() => hub?.stop());

const ME = `{ viewer { id handle displayName } }`;
const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { user { id handle displayName } } }`;

describe('handles', () => {
  it('are chosen at sign-up from the display name, numbered from the second holder on', async () => {
    const name = `Rina Wulandari ${Math.random().toString(36).slice(2, 6)}`;
    const first = await kit.user(name);
    const second = await kit.user(name);
    const third = await kit.user(`  ${name.toUpperCase()}  `);
    const base = handleBase(name);
    expect(base).toMatch(/^rina-wulandari-[a-z0-9]+$/);
    expect(ok(await first.gql(ME)).viewer.handle).toBe(base);
    expect(ok(await second.gql(ME)).viewer.handle).toBe(`${base}-2`);
    expect(ok(await third.gql(ME)).viewer.handle).toBe(`${base}-3`);
  });

  it('are made of lower-case letters, digits and single dashes, 3 to 30 characters, from any name', () => {
    expect(handleBase('Ni Komang Ayu Sri Wahyuni Dewi Lestari Putri')).toBe('ni-komang-ayu-sri-wahyuni');
    expect(handleBase('José  Ramos-Horta!')).toBe('jose-ramos-horta');
    expect(handleBase('Al')).toBe('al-user');
    expect(handleBase('平和')).toBe('user');
    for (const name of ['Ni Komang Ayu Sri Wahyuni Dewi Lestari Putri', 'José  Ramos-Horta!', 'Al', '平和', '--x--']) {
      expect(handleBase(name)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(handleBase(name).length).toBeGreaterThanOrEqual(3);
      expect(handleBase(name).length).toBeLessThanOrEqual(26);
    }
  });

  it('updateProfile changes the handle and display name; the payload and later reads show them', async () => {
    const u = await kit.user();
    const handle = `fasilitator-${Math.random().toString(36).slice(2, 8)}`;
    const res = ok(await u.gql(UPDATE, { input: { handle, displayName: 'Baiq Nurul' } })).updateProfile.user;
    expect(res).toMatchObject({ id: u.id, handle, displayName: 'Baiq Nurul' });
    expect(ok(await u.gql(ME)).viewer).toMatchObject({ handle, displayName: 'Baiq Nurul' });
    // Omitted fields stay.
    expect(ok(await u.gql(UPDATE, { input: { displayName: 'Baiq Nurul Aini' } })).updateProfile.user.handle).toBe(handle);
  });

  it('a handle someone else holds is CONFLICT and changes nothing; keeping one\u2019s own is fine', async () => {
    const a = await kit.user();
    const b = await kit.user();
    const aHandle = ok(await a.gql(ME)).viewer.handle;
    const bBefore = ok(await b.gql(ME)).viewer;
    const res = await b.gql(UPDATE, { input: { handle: aHandle, displayName: 'Changed' } });
    expect(codeOf(res)).toBe('CONFLICT');
    expect(res.errors![0].extensions!.field).toBe('handle');
    expect(ok(await b.gql(ME)).viewer).toEqual(bBefore);
    expect(ok(await a.gql(UPDATE, { input: { handle: aHandle } })).updateProfile.user.handle).toBe(aHandle);
  });

  it.each([
    ['ab', 'too short'],
    ['a'.repeat(31), 'too long'],
    ['Rina', 'upper case'],
    ['rina--w', 'double dash'],
    ['-rina', 'leading dash'],
    ['rina-', 'trailing dash'],
    ['rina_w', 'underscore'],
    ['rina w', 'space'],
    ['rína', 'accent'],
  ])('a malformed handle (%s: %s) is BAD_USER_INPUT on handle', async (handle) => {
    const u = await kit.user();
    const res = await u.gql(UPDATE, { input: { handle } });
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.field).toBe('handle');
  });

  it('a blank display name is BAD_USER_INPUT; updateProfile needs sign-in', async () => {
    const u = await kit.user();
    expect(codeOf(await u.gql(UPDATE, { input: { displayName: '   ' } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.gql(UPDATE, { input: { displayName: 'x' } }))).toBe('UNAUTHENTICATED');
  });

  it('others see a user\u2019s handle', async () => {
    const a = await kit.user();
    const b = await kit.user();
    const handle = ok(await a.gql(ME)).viewer.handle;
    const seen = ok(await b.gql(`query($id: ID!) { node(id: $id) { ... on User { handle } } }`, { id: a.id })).node;
    expect(seen.handle).toBe(handle);
  });
});

describe('mentions in text', () => {
  it('end at the first character that cannot continue a handle; emails are not mentions', () => {
    expect(mentionedHandles('Halo @rina-wulandari, dan @budi.')).toEqual(['rina-wulandari', 'budi']);
    expect(mentionedHandles('@rina-wulandari-2! @rina--x @Dewi')).toEqual(['rina-wulandari-2', 'rina', 'dewi']);
    expect(mentionedHandles('mail rina@example.org or @ab')).toEqual([]);
    expect(mentionedHandles('(@siti) @siti @siti')).toEqual(['siti']);
  });

  it('count at most 20 distinct handles a text, first ones first', () => {
    const text = Array.from({ length: 25 }, (_, i) => `@user-${i}`).join(' ');
    const found = mentionedHandles(text);
    expect(found).toHaveLength(20);
    expect(found[0]).toBe('user-0');
    expect(found[19]).toBe('user-19');
  });
});

describe('the migration that introduced handles', () => {
  it('gives every existing user a unique handle from their display name, as sign-up would', async () => {
    // The backfill statements exactly as the migration runs them, on users whose handle is unset.
    const migration = readFileSync(new URL('../drizzle/0005_handles_notifications.sql', import.meta.url), 'utf8');
    const backfill = migration
      .split('--> statement-breakpoint')
      .map((st) => st.replace(/^\s*--.*$/gm, '').trim())
      .filter((st) => /^(WITH base|UPDATE "users")/.test(st));
    expect(backfill).toHaveLength(2);
    const tag = Math.random().toString(36).slice(2, 6);
    const names = [`Rina Wulandari ${tag}`, `Rina Wulandari ${tag}`, `rina wulandari ${tag} 2`, `José Ramos ${tag}`, 'Al', '平和'];
    const rollback = new Error('rollback');
    let handles: { display_name: string; handle: string }[] = [];
    await hub.database.db
      .transaction(async (tx) => {
        // As in the migration, the unique index comes after the backfill: rows pass through
        // duplicates (a numbered handle before the suffix pass) within the statements.
        await tx.execute(sql`drop index users_handle_idx`);
        await tx.execute(sql`alter table users alter column handle drop not null`);
        await tx.execute(sql`update users set handle = null`);
        for (const [i, name] of names.entries()) {
          await tx.execute(sql`insert into users (email, display_name, password_hash, created_at)
            values (${`backfill${i}-${tag}@example.test`}, ${name}, 'x', ${new Date(Date.UTC(2021, 0, 1, 0, i))})`);
        }
        for (const st of backfill) await tx.execute(sql.raw(st));
        const { rows } = (await tx.execute(sql`select display_name, handle from users where email like ${`backfill%-${tag}@example.test`} order by created_at`)) as any;
        handles = rows;
        const dupes = (await tx.execute(sql`select handle from users group by handle having count(*) > 1 or handle is null`)) as any;
        expect(dupes.rows).toEqual([]);
        throw rollback;
      })
      .catch((err) => {
        if (err !== rollback) throw err;
      });
    const base = handleBase(names[0]);
    const got = handles.map((h) => h.handle);
    expect(got[0]).toBe(base);
    expect(got[1]).toBe(`${base}-2`);
    // "rina wulandari <tag> 2" is itself "<base>-2": it gets a suffix of its own instead.
    expect(got[2]).toMatch(new RegExp(`^${base}-2-[0-9a-f]{6}$`));
    expect(got[3]).toBe(handleBase(names[3]));
    expect(got[4]).toMatch(/^al-user(-\d+)?$/);
    expect(got[5]).toMatch(/^user(-\d+)?/);
    for (const h of got) expect(h).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
