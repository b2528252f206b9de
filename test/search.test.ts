import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub.js';
import { codeOf, ok, seedKit, type Actor, type Ref } from './support/seed-kit.js';

let hub: TestHub;
let kit: ReturnType<typeof seedKit>;
beforeAll(async () => {
  hub = await startHub();
  kit = seedKit(hub);
});
afterAll(() => hub?.stop());

const SEARCH = `query($query: String!, $kinds: [SearchKind!], $circleId: ID, $sdgGoal: Int, $first: Int, $after: String) {
  search(query: $query, kinds: $kinds, circleId: $circleId, sdgGoal: $sdgGoal, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { rank highlight subject {
      __typename
      ... on Thread { id title }
      ... on Post { id body }
      ... on Resource { id title }
      ... on Circle { id name }
      ... on Organisation { id name }
      ... on Gathering { id title status }
    } } }
  }
}`;

interface Found {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  hits: { id: string; type: string; text: string; status?: string; highlight: string | null; rank: number; cursor: string }[];
}

async function find(who: Actor | null, query: string, vars: Record<string, unknown> = {}): Promise<Found> {
  const res = who ? await who.gql(SEARCH, { query, ...vars }) : await hub.gql(SEARCH, { query, ...vars });
  const s = (ok(res) as any).search;
  return {
    totalCount: s.totalCount,
    pageInfo: s.pageInfo,
    hits: s.edges.map((e: any) => ({
      id: e.node.subject.id,
      type: e.node.subject.__typename,
      text: e.node.subject.title ?? e.node.subject.body ?? e.node.subject.name,
      status: e.node.subject.status,
      highlight: e.node.highlight,
      rank: e.node.rank,
      cursor: e.cursor,
    })),
  };
}

/** A fresh circle with a coordinator and a member; searches pass `circleId` to stay inside it. */
async function circle(visibility = 'PUBLIC') {
  const { coordinator, org, circle } = await kit.circleWithCoordinator({ visibility, quick: true });
  const member = await kit.quickUser('Member');
  await coordinator.addMember(circle, member);
  return { coordinator, member, org, circle, in: { circleId: circle.id } };
}

const ids = (f: Found) => f.hits.map((h) => h.id);

describe('language', () => {
  it('stems Indonesian: "anggaran" finds "penganggaran" and "dianggarkan"', async () => {
    const c = await circle();
    const a = await c.member.createThread(c.circle, { title: 'Rapat desa', body: 'Penganggaran stunting tahun depan' });
    const b = await c.member.createThread(c.circle, { title: 'Dana posyandu', body: 'Sudah dianggarkan di APBDes' });
    await c.member.createThread(c.circle, { title: 'Lain', body: 'Jadwal kunjungan rumah' });
    const f = await find(c.member, 'anggaran', c.in);
    expect(new Set(ids(f))).toEqual(new Set([a.id, b.id]));
    expect(f.totalCount).toBe(2);
  });

  it('stems English: "budget" finds "budgeting" and "budgets"', async () => {
    const c = await circle();
    const a = await c.member.createThread(c.circle, { title: 'Village budgeting', body: 'How we plan' });
    const p = await c.member.createPost(a, { body: 'Both budgets were approved by the BPD.' });
    const f = await find(c.member, 'budget', c.in);
    expect(new Set(ids(f))).toEqual(new Set([a.id, p.id]));
  });

  it('matches quoted phrases, OR alternatives and -exclusions', async () => {
    const c = await circle();
    const t = await c.member.createThread(c.circle, { title: 'Persiapan', body: 'Kami menyiapkan musrenbang desa bulan ini' });
    const p1 = await c.member.createPost(t, { body: 'Di desa kami musrenbang sudah lewat' });
    const p2 = await c.member.createPost(t, { body: 'Posyandu dan gizi balita' });
    const p3 = await c.member.createPost(t, { body: 'Stunting turun berkat posyandu' });
    expect(ids(await find(c.member, '"musrenbang desa"', c.in))).toEqual([t.id]);
    expect(new Set(ids(await find(c.member, 'musrenbang desa', c.in)))).toEqual(new Set([t.id, p1.id]));
    expect(new Set(ids(await find(c.member, 'gizi or stunting', c.in)))).toEqual(new Set([p2.id, p3.id]));
    expect(ids(await find(c.member, 'posyandu -stunting', c.in))).toEqual([p2.id]);
  });

  it('matches the last word as a prefix: "musren" finds "musrenbang", "renc" finds "rencana"', async () => {
    const c = await circle();
    const t = await c.member.createThread(c.circle, { title: 'Jadwal Musrenbang kecamatan', body: 'Undangan untuk semua desa' });
    const p = await c.member.createPost(t, { body: 'Rencana kerja pemerintah desa' });
    expect(ids(await find(c.member, 'musren', c.in))).toEqual([t.id]);
    expect(ids(await find(c.member, 'kerja renc', c.in))).toEqual([p.id]);
    // Only the last word: a prefix in the middle of the query is an ordinary word.
    expect(ids(await find(c.member, 'musren jadwal', c.in))).toEqual([]);
  });

  it('weighs titles more than bodies', async () => {
    const c = await circle();
    const inBody = await c.member.createThread(c.circle, { title: 'Catatan rapat', body: 'Kami membahas sanitasi di rapat itu' });
    const inTitle = await c.member.createThread(c.circle, { title: 'Sanitasi desa', body: 'Catatan dari kunjungan' });
    const f = await find(c.member, 'sanitasi', c.in);
    expect(ids(f)).toEqual([inTitle.id, inBody.id]);
    expect(f.hits[0].rank).toBeGreaterThan(f.hits[1].rank);
  });

  it('finds resources, circles and organisations too, and `kinds` narrows', async () => {
    const word = `kelor${randomBytes(3).toString('hex')}`;
    const owner = await kit.quickUser('Owner');
    const org = await owner.createOrg({ name: `Yayasan ${word}` });
    const circ = await owner.createCircle({ orgs: [org], name: `Lingkar ${word}` });
    const res = await owner.shareResource([circ], { title: `Panduan ${word}` });
    const t = await owner.createThread(circ, { title: `Diskusi ${word}` });
    const all = await find(owner, word);
    expect(new Set(all.hits.map((h) => `${h.type}:${h.id}`))).toEqual(
      new Set([`Organisation:${org.id}`, `Circle:${circ.id}`, `Resource:${res.id}`, `Thread:${t.id}`]),
    );
    const some = await find(owner, word, { kinds: ['RESOURCE', 'ORGANISATION'] });
    expect(new Set(some.hits.map((h) => h.type))).toEqual(new Set(['Resource', 'Organisation']));
    expect(some.totalCount).toBe(2);
    // Signed out, only the public organisation directory.
    const anonymous = await find(null, word);
    expect(anonymous.hits.map((h) => h.type)).toEqual(['Organisation']);
    expect(anonymous.totalCount).toBe(1);
  });

  it('filters by SDG goal', async () => {
    const c = await circle();
    const tagged = await c.member.createThread(c.circle, { title: 'Air bersih', body: 'Sumur bor', sdgGoals: [6] });
    await c.member.createThread(c.circle, { title: 'Air bersih juga', body: 'Sumur gali' });
    expect(ids(await find(c.member, 'air', { ...c.in, sdgGoal: 6 }))).toEqual([tagged.id]);
    expect(codeOf(await c.member.gql(SEARCH, { query: 'air', sdgGoal: 19 }))).toBe('BAD_USER_INPUT');
  });
});

describe('visibility', () => {
  it('an outsider gets no hit and no count from a MEMBERS_ONLY circle; a circleId they cannot see is NOT_FOUND', async () => {
    const word = `rahasia${randomBytes(3).toString('hex')}`;
    const c = await circle('MEMBERS_ONLY');
    const t = await c.member.createThread(c.circle, { title: `Anggaran ${word}`, body: word });
    await c.member.createPost(t, { body: `Balasan ${word}` });
    await c.member.shareResource([c.circle], { title: `Dokumen ${word}` });
    const outsider = await kit.quickUser('Outsider');
    const seen = await find(outsider, word);
    expect(seen.hits).toEqual([]);
    expect(seen.totalCount).toBe(0);
    expect(codeOf(await outsider.gql(SEARCH, { query: word, circleId: c.circle.id }))).toBe('NOT_FOUND');
    const member = await find(c.member, word);
    expect(member.totalCount).toBe(3);
  });

  it('hidden content matches for the circle\u2019s moderators only; deleted posts never match', async () => {
    const c = await circle();
    const t = await c.member.createThread(c.circle, { title: 'Pengumuman', body: 'Iklan pinjaman online cepat' });
    const p = await c.member.createPost(t, { body: 'Pinjaman tanpa agunan, hubungi kami' });
    const gone = await c.member.createPost(t, { body: 'Pinjaman ini sudah saya hapus' });
    ok(await c.member.gql(`mutation($input: DeletePostInput!) { deletePost(input: $input) { post { id } } }`, { input: { postId: gone.id } }));
    ok(await c.coordinator.gql(`mutation($input: HideContentInput!) { hideContent(input: $input) { subject { __typename } } }`, { input: { subjectId: p.id } }));
    const member = await find(c.member, 'pinjaman', c.in);
    expect(ids(member)).toEqual([t.id]);
    expect(member.totalCount).toBe(1);
    const moderator = await find(c.coordinator, 'pinjaman', c.in);
    expect(new Set(ids(moderator))).toEqual(new Set([t.id, p.id]));
  });
});

describe('highlight', () => {
  it('is HTML-escaped apart from its <mark> tags', async () => {
    const c = await circle();
    const t = await c.member.createThread(c.circle, { title: 'Catatan', body: 'x' });
    await c.member.createPost(t, { body: `<script>alert("musrenbang")</script> & 'musrenbang' <b>desa</b>` });
    const [hit] = (await find(c.member, 'musrenbang', c.in)).hits;
    expect(hit.highlight).toContain('&lt;/script&gt;');
    expect(hit.highlight).toContain('&lt;b&gt;');
    expect(hit.highlight).toContain('&amp;');
    expect(hit.highlight).toContain('<mark>musrenbang</mark>');
    expect(hit.highlight!.replace(/<\/?mark>/g, '')).not.toMatch(/[<>"']/);
  });

  it('is null when only the title matched', async () => {
    const c = await circle();
    await c.member.createThread(c.circle, { title: 'Posyandu Melati', body: 'Jadwal bulan Juli' });
    const [hit] = (await find(c.member, 'posyandu', c.in)).hits;
    expect(hit.highlight).toBeNull();
    const [inBody] = (await find(c.member, 'jadwal', c.in)).hits;
    expect(inBody.highlight).toBe('<mark>Jadwal</mark> bulan Juli');
  });
});

describe('pagination', () => {
  it('walks every result once, best first, with the same totalCount on every page', async () => {
    const c = await circle();
    const t = await c.member.createThread(c.circle, { title: 'Kumpulan', body: 'catatan' });
    const made: Ref[] = [];
    for (let i = 0; i < 23; i++) {
      // Varying how often the word appears varies the rank; equal ranks must still page cleanly.
      made.push(await c.member.createPost(t, { body: `${'gizi '.repeat(1 + (i % 4))}balita nomor ${i}` }));
    }
    const seen: string[] = [];
    const ranks: number[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const f = await find(c.member, 'gizi', { ...c.in, first: 5, after });
      expect(f.totalCount).toBe(23);
      seen.push(...ids(f));
      ranks.push(...f.hits.map((h) => h.rank));
      after = f.pageInfo.hasNextPage ? f.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen)).toEqual(new Set(made.map((p) => p.id)));
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
  });

  it('refuses a malformed cursor, a blank query and `first` out of range with the field named', async () => {
    const c = await circle();
    const bad = await c.member.gql(SEARCH, { query: 'gizi', after: 'nope' });
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.field).toBe('after');
    expect(codeOf(await c.member.gql(SEARCH, { query: '   ' }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await c.member.gql(SEARCH, { query: 'gizi', first: 101 }))).toBe('BAD_USER_INPUT');
    // Operators alone make an empty query: no results, no error.
    const empty = await find(c.member, '- ""', c.in);
    expect(empty).toMatchObject({ totalCount: 0, hits: [] });
  });
});

describe('gatherings', () => {
  const SCHEDULE = `mutation($input: ScheduleGatheringInput!) { scheduleGathering(input: $input) { gathering { id } } }`;
  const UPDATE = `mutation($input: UpdateGatheringInput!) { updateGathering(input: $input) { gathering { id status } } }`;

  async function schedule(who: Actor, circle: Ref, input: Record<string, unknown>): Promise<Ref> {
    const d = (await who.must(SCHEDULE, {
      input: {
        circleId: circle.id,
        kind: 'VILLAGE_PLANNING_FORUM',
        startsAt: '2021-10-05T01:00:00.000Z',
        endsAt: '2021-10-05T05:00:00.000Z',
        ...input,
      },
    })) as any;
    return d.scheduleGathering.gathering;
  }

  it('finds gatherings by title, description and venue, the title weighing more, with the prefix and a highlight', async () => {
    const c = await circle();
    const byTitle = await schedule(c.coordinator, c.circle, { title: 'Musrenbang Desa Senggigi', description: 'Usulan kegiatan posyandu' });
    const byVenue = await schedule(c.coordinator, c.circle, { title: 'Pelatihan fasilitator', venue: 'Balai Musrenbang Batu Layar' });
    const f = await find(c.member, 'musren', c.in);
    expect(f.hits.map((h) => `${h.type}:${h.id}`)).toEqual([`Gathering:${byTitle.id}`, `Gathering:${byVenue.id}`]);
    expect(f.totalCount).toBe(2);
    expect(f.hits[0].highlight).toBeNull();
    expect(f.hits[1].highlight).toBe('Balai <mark>Musrenbang</mark> Batu Layar');
    const [inDescription] = (await find(c.member, 'posyandu', { ...c.in, kinds: ['GATHERING'] })).hits;
    expect(inDescription).toMatchObject({ id: byTitle.id, highlight: 'Usulan kegiatan <mark>posyandu</mark>' });
    // `kinds` narrows to gatherings and leaves them out when not named.
    const t = await c.member.createThread(c.circle, { title: 'Catatan musrenbang' });
    expect(new Set(ids(await find(c.member, 'musrenbang', { ...c.in, kinds: ['GATHERING'] })))).toEqual(new Set([byTitle.id, byVenue.id]));
    expect(ids(await find(c.member, 'musrenbang', { ...c.in, kinds: ['THREAD'] }))).toEqual([t.id]);
  });

  it('escapes the highlight of a description', async () => {
    const c = await circle();
    await schedule(c.coordinator, c.circle, { title: 'Rapat', description: '<img src=x onerror=alert(1)> jadwal "penyuluhan" & gizi' });
    const [hit] = (await find(c.member, 'penyuluhan', { ...c.in, kinds: ['GATHERING'] })).hits;
    // The fragment may start after the tag's opening; what is left of it is escaped.
    expect(hit.highlight).toContain('&gt; jadwal &quot;<mark>penyuluhan</mark>&quot; &amp; gizi');
    expect(hit.highlight!.replace(/<\/?mark>/g, '')).not.toMatch(/[<>"']/);
  });

  it('are readable as their circle is: an outsider gets no hit and no count from a MEMBERS_ONLY circle, nor anyone signed out', async () => {
    const word = `forum${randomBytes(3).toString('hex')}`;
    const closed = await circle('MEMBERS_ONLY');
    const open = await circle();
    const secret = await schedule(closed.coordinator, closed.circle, { title: `Forum ${word}`, venue: `Kantor ${word}` });
    const visible = await schedule(open.coordinator, open.circle, { title: `Forum ${word}` });
    const outsider = await kit.quickUser('Outsider');
    const seen = await find(outsider, word);
    expect(ids(seen)).toEqual([visible.id]);
    expect(seen.totalCount).toBe(1);
    expect(new Set(ids(await find(closed.member, word)))).toEqual(new Set([secret.id, visible.id]));
    const anonymous = await find(null, word);
    expect(anonymous).toMatchObject({ totalCount: 0, hits: [] });
    // The SDG filter reaches gatherings through their own goals.
    const tagged = await schedule(open.coordinator, open.circle, { title: `Forum air ${word}`, sdgGoals: [6] });
    expect(ids(await find(outsider, word, { sdgGoal: 6 }))).toEqual([tagged.id]);
  });

  it('a cancelled gathering stays findable, with its status', async () => {
    const c = await circle();
    const g = await schedule(c.coordinator, c.circle, { title: 'Penyuluhan sanitasi' });
    ok(await c.coordinator.gql(UPDATE, { input: { gatheringId: g.id, status: 'CANCELLED' } }));
    const [hit] = (await find(c.member, 'sanitasi', c.in)).hits;
    expect(hit).toMatchObject({ id: g.id, type: 'Gathering', status: 'CANCELLED' });
  });
});
