import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit } from './support/seed-kit.js';
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
