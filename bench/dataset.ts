import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * The benchmark data set: the demo program's shape (about 10 circles, 1,000 threads, 10,000
 * posts and 100 users) times `scale`. Every row comes from set-based SQL over generate_series
 * with md5-derived ids and values, so the same scale always gives the same rows.
 */
export interface DatasetSize {
  scale: number;
  circles: number;
  users: number;
  organisations: number;
  threads: number;
  /** Members per circle. */
  membersPerCircle: number;
}

export function datasetSize(scale: number): DatasetSize {
  return { scale, circles: 10 * scale, users: 100 * scale, organisations: 7 * scale, threads: 1_000 * scale, membersPerCircle: 20 };
}

export interface DatasetCounts {
  [table: string]: number;
}

/** md5(text)::uuid, as PostgreSQL formats it. */
export function md5Uuid(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const userId = (u: number) => md5Uuid(`user:${u}`);
export const circleId = (c: number) => md5Uuid(`circle:${c}`);
export const threadId = (t: number) => md5Uuid(`thread:${t}`);
export const userEmail = (u: number) => `user${u}@bench.example`;
/** Every user has a session with this bearer token (only its hash is stored). */
export const benchToken = (u: number) => `lch_bench_${u}`;
export const BENCH_PASSWORD = 'bench-password-2024';

/**
 * Who and what the benchmarks use. User u belongs to circles floor(u / 10) and floor(u / 10) - 1;
 * thread t is in circle t mod C, as that circle's thread number j = floor(t / C), and has 60
 * posts when j mod 50 = 0, else 1 to 17 (about 10 on average).
 */
export const BENCH = {
  /** A MEMBERS_ONLY circle for the HTTP operations. */
  feedCircle: 1,
  /** A PARTICIPANT of circle 1 (and of circle 0): the signed-in viewer of the HTTP runs. */
  viewerUser: 13,
  /** Thread j = 0 of circle 1: 60 posts. */
  pageThread: 1,
  /** A PUBLIC circle every user may read: the subscribers' circle. */
  fanoutCircle: 0,
  /** The notification benchmark's circle: 500 members at level ALL (bench/notifications.ts). */
  notifyCircle: 2,
} as const;

/**
 * The program coordinator of the report benchmark: ADMIN of a program operator that takes part
 * in every circle, as the demo's coordinator is, so programReport counts the whole data set.
 */
export const REPORT_COORDINATOR = {
  id: md5Uuid('user:program-coordinator'),
  email: 'koordinator@bench.example',
  organisationId: md5Uuid('org:program-operator'),
} as const;

/** The period the report benchmark asks for: the year the generated gatherings are spread over. */
export const REPORT_PERIOD = { from: '2022-01-01T00:00:00Z', to: '2023-01-01T00:00:00Z' } as const;

/** Threads j = 0..count-1 of a circle, as thread numbers t. */
export function circleThreads(size: DatasetSize, circle: number, count: number): number[] {
  return Array.from({ length: count }, (_, j) => j * size.circles + circle);
}

/**
 * Words posts and threads are written with: the program's own vocabulary, Indonesian with some
 * English, most common first. Full-text search needs text that reads like the real thing: md5
 * strings match nothing, and one repeated sentence matches everything.
 */
export const VOCABULARY = (
  'desa kami yang dan untuk di dengan sudah warga kegiatan rapat pemerintah program data kader ' +
  'kecamatan kabupaten anggaran rencana musrenbang posyandu usulan bersama jadwal laporan ' +
  'kepala pembangunan dana belajar lingkar pelatihan fasilitator perempuan anak balita ' +
  'pendidikan sekolah kesehatan gizi stunting air bersih sanitasi jalan irigasi pertanian ' +
  'nelayan pasar koperasi bumdes apbdes rkpdes rpjmdes bpd dusun rt rw ibu bapak pemuda ' +
  'karang taruna pkk puskesmas bidan dokter imunisasi vaksin posbindu lansia disabilitas ' +
  'inklusi partisipasi transparansi akuntabilitas sdgs target indikator capaian evaluasi ' +
  'monitoring pendampingan advokasi kebijakan peraturan perdes perbup regulasi templat ' +
  'dokumen panduan modul materi presentasi notulen undangan peserta narasumber diskusi ' +
  'pertanyaan jawaban pengalaman praktik baik tantangan hambatan solusi kolaborasi mitra ' +
  'organisasi lsm dinas bappeda dpmd camat bupati gubernur provinsi lombok ntb sumbawa ' +
  'mataram kemiskinan bantuan sosial blt pkh sembako listrik internet sinyal telepon ' +
  'banjir kekeringan bencana iklim sampah daur ulang lingkungan hutan mangrove pantai ' +
  'wisata budaya adat tenun kerajinan umkm modal pinjaman tabungan pemasaran digital ' +
  'budget budgeting planning village meeting report training community health water ' +
  'school women children youth poverty climate waste inclusion accountability participation'
).split(' ');

/**
 * SQL for `count` words drawn from VOCABULARY (bound as $3) by md5 of `seed`, common words
 * more often (the square of a uniform draw favours the front of the list, roughly as Zipf).
 */
function words(seed: string, count: string): string {
  return `(select string_agg(v.w[1 + floor(array_length(v.w, 1) * power(('x' || substr(md5(${seed} || ':' || k), 1, 7))::bit(28)::int / 268435456.0, 2))::int], ' ')
            from generate_series(1, ${count}) k, (select $3::text[] as w) v)`;
}

/** Fills a freshly migrated database. `passwordHash` is one real scrypt hash of BENCH_PASSWORD. */
export async function generateDataset(
  client: pg.Client,
  size: DatasetSize,
  passwordHash: string,
  log: (msg: string) => void,
): Promise<DatasetCounts> {
  const { circles: C, users: U, organisations: O, threads: T, membersPerCircle: M } = size;
  const step = async (what: string, text: string, params: unknown[] = []) => {
    const started = performance.now();
    const res = await client.query(text, params);
    log(`  ${what}: ${res.rowCount ?? 0} rows in ${Math.round(performance.now() - started)} ms`);
  };

  // Rows are consistent by construction, so the bulk load skips foreign-key triggers.
  await client.query('set session_replication_role = replica');
  await client.query('begin');

  await step(
    'regions',
    `insert into regions (id, parent_id, level, name, code)
     select md5('province:' || p)::uuid, null, 'PROVINCE'::region_level, 'Provinsi Uji ' || p, 'U' || p from generate_series(1, 5) p
     union all
     select md5('district:' || d)::uuid, md5('province:' || (d % 5 + 1))::uuid, 'DISTRICT'::region_level, 'Kabupaten Uji ' || d,
            'U' || (d % 5 + 1) || '.' || lpad(d::text, 5, '0')
     from generate_series(1, $1::int) d`,
    [C],
  );

  await step(
    'users',
    `insert into users (id, email, display_name, handle, password_hash, created_at)
     select md5('user:' || u)::uuid, 'user' || u || '@bench.example',
            'Peserta ' || u || ' ' || initcap(substr(md5('name:' || u), 1, 6)), 'peserta-' || u, $2,
            timestamptz '2021-06-01 00:00:00+00' + u * interval '1 minute'
     from generate_series(0, $1::int - 1) u`,
    [U, passwordHash],
  );

  // Token 'lch_bench_<u>' hashed as src/auth/tokens.ts does: sha256, base64url without padding.
  await step(
    'sessions',
    `insert into sessions (id, user_id, token_hash, created_at)
     select md5('session:' || u)::uuid, md5('user:' || u)::uuid,
            rtrim(translate(encode(sha256(convert_to('lch_bench_' || u, 'UTF8')), 'base64'), '+/', '-_'), '='),
            -- Started now: sessions expire (90 days in all, 30 idle), and the fan-out's subscribers sign in with these.
            now()
     from generate_series(0, $1::int - 1) u`,
    [U],
  );

  await step(
    'organisations',
    `insert into organisations (id, slug, name, kind, description, region_id, created_at)
     select md5('org:' || o)::uuid, 'org-' || o, 'Organisasi Uji ' || o || ' ' || upper(substr(md5('org-name:' || o), 1, 4)),
            (array['CIVIL_SOCIETY', 'DISTRICT_GOVERNMENT', 'VILLAGE_GOVERNMENT', 'COMMUNITY_GROUP'])[o % 4 + 1]::organisation_kind,
            'Organisasi ' || o || ': ' || md5('org-desc:' || o),
            md5('district:' || (o % $2::int + 1))::uuid,
            timestamptz '2021-05-01 00:00:00+00' + o * interval '1 hour'
     from generate_series(0, $1::int - 1) o`,
    [O, C],
  );

  await step(
    'organisation_members',
    `insert into organisation_members (organisation_id, user_id, role, joined_at)
     select md5('org:' || (u % $2::int))::uuid, md5('user:' || u)::uuid,
            (case when u < $2::int then 'ADMIN' else 'MEMBER' end)::organisation_role,
            timestamptz '2021-06-01 00:00:00+00' + u * interval '1 minute'
     from generate_series(0, $1::int - 1) u`,
    [U, O],
  );

  await step(
    'circles',
    `insert into circles (id, slug, name, description, visibility, status, region_id, created_at)
     select md5('circle:' || c)::uuid, 'circle-' || c, 'Lingkar Belajar Uji ' || c,
            'Lingkar belajar bersama ' || c || ': ' || md5('circle-desc:' || c),
            (case when c % 4 = 0 then 'PUBLIC' else 'MEMBERS_ONLY' end)::circle_visibility, 'ACTIVE'::circle_status,
            md5('district:' || (c + 1))::uuid,
            timestamptz '2021-07-01 00:00:00+00' + c * interval '1 hour'
     from generate_series(0, $1::int - 1) c`,
    [C],
  );

  await step(
    'circle_organisations',
    `insert into circle_organisations (circle_id, organisation_id, added_at)
     select md5('circle:' || c)::uuid, md5('org:' || ((c * 3 + k) % $2::int))::uuid,
            timestamptz '2021-07-01 00:00:00+00' + c * interval '1 hour' + k * interval '1 minute'
     from generate_series(0, $1::int - 1) c, generate_series(0, 2) k`,
    [C, O],
  );

  await step(
    'circle_members',
    `insert into circle_members (circle_id, user_id, role, organisation_id, joined_at)
     select md5('circle:' || c)::uuid, md5('user:' || ((c * 10 + k) % $2::int))::uuid,
            (case when k = 0 then 'COORDINATOR' when k < 3 then 'FACILITATOR' else 'PARTICIPANT' end)::circle_role,
            md5('org:' || (((c * 10 + k) % $2::int) % $3::int))::uuid,
            timestamptz '2021-07-01 00:00:00+00' + c * interval '1 hour' + k * interval '1 minute'
     from generate_series(0, $1::int - 1) c, generate_series(0, $4::int - 1) k`,
    [C, U, O, M],
  );

  await step(
    'circle_sdg_goals',
    `insert into circle_sdg_goals (circle_id, goal)
     select md5('circle:' || c)::uuid, ((c + k * 5) % 18 + 1)::smallint
     from generate_series(0, $1::int - 1) c, generate_series(0, 1) k`,
    [C],
  );

  await client.query(
    `create temporary table bench_threads on commit drop as
     select t, md5('thread:' || t)::uuid as id, t % $2::int as c, t / $2::int as j,
            case when (t / $2::int) % 50 = 0 then 60
                 else 1 + (('x' || substr(md5('posts:' || t), 1, 4))::bit(16)::int % 17) end as n,
            timestamptz '2022-01-01 00:00:00+00' + t * interval '5 minutes' as created_at
     from generate_series(0, $1::int - 1) t`,
    [T, C],
  );

  await step(
    'threads',
    `insert into threads (id, circle_id, author_id, title, body, is_pinned, is_locked, post_count, last_activity_at, created_at, updated_at)
     select id, md5('circle:' || c)::uuid, md5('user:' || ((c * 10 + j % $2::int) % $1::int))::uuid,
            ${words("'title:' || t", '3 + t % 4')},
            ${words("'body:' || t", '20 + t % 25')},
            j = 1, false, n, created_at + n * interval '1 minute', created_at, created_at
     from bench_threads`,
    [U, M, VOCABULARY],
  );

  await step(
    'thread_sdg_goals',
    `insert into thread_sdg_goals (thread_id, goal) select id, (t % 18 + 1)::smallint from bench_threads`,
  );

  // One level of replies: every fourth post answers the post before it, which is never a reply.
  await step(
    'posts',
    `insert into posts (id, thread_id, author_id, reply_to_id, body, created_at)
     select md5('post:' || t || ':' || i)::uuid, id, md5('user:' || ((c * 10 + (j + i) % $2::int) % $1::int))::uuid,
            case when i % 4 = 0 then md5('post:' || t || ':' || (i - 1))::uuid end,
            ${words("'post-body:' || t || ':' || i", '6 + (t + i * 7) % 30')},
            created_at + i * interval '1 minute'
     from bench_threads, generate_series(1, n) i`,
    [U, M, VOCABULARY],
  );

  await step(
    'reactions',
    `insert into reactions (id, user_id, thread_id, post_id, content, created_at)
     select md5('reaction:' || t || ':' || i || ':' || k)::uuid,
            md5('user:' || ((c * 10 + (j + i + 7 + k) % $2::int) % $1::int))::uuid, null,
            md5('post:' || t || ':' || i)::uuid,
            (array['THUMBS_UP', 'HEART', 'CELEBRATE', 'THINKING', 'EYES'])[(i + k) % 5 + 1]::reaction_content,
            created_at + i * interval '1 minute' + interval '30 seconds'
     from bench_threads, generate_series(1, n) i, generate_series(0, 2) k
     where i % 5 = 2 and k <= (t + i) % 3
     union all
     select md5('thread-reaction:' || t || ':' || k)::uuid,
            md5('user:' || ((c * 10 + (j + 11 + k) % $2::int) % $1::int))::uuid, id, null,
            (array['THUMBS_UP', 'HEART', 'CELEBRATE', 'THINKING', 'EYES'])[(t + k) % 5 + 1]::reaction_content,
            created_at + interval '20 seconds'
     from bench_threads, generate_series(0, 1) k
     where j % 3 = 0`,
    [U, M],
  );

  // The program's work in the demo's proportions: per circle four gatherings (three held, one
  // planned) spread over 2022, twenty sheet lines per held gathering (twelve members, eight
  // people without an account from the district's villages) and three follow-ups.
  await step(
    'villages',
    `insert into regions (id, parent_id, level, name, code)
     select md5('village:' || d || ':' || v)::uuid, md5('district:' || d)::uuid, 'VILLAGE'::region_level,
            'Desa Uji ' || d || '.' || v, null
     from generate_series(1, $1::int) d, generate_series(0, 2) v`,
    [C],
  );
  await step(
    'program coordinator',
    `with u as (
       insert into users (id, email, display_name, handle, password_hash, created_at)
       values ($1::uuid, $2, 'Koordinator Program Uji', 'koordinator-program-uji', $3, timestamptz '2021-05-01 00:00:00+00')
       returning id
     ), o as (
       insert into organisations (id, slug, name, kind, description, region_id, created_at)
       values ($4::uuid, 'program-operator', 'Pelaksana Program Uji', 'PROGRAM_OPERATOR', 'Pelaksana program uji', null,
               timestamptz '2021-05-01 00:00:00+00')
       returning id
     )
     insert into organisation_members (organisation_id, user_id, role, joined_at)
     select o.id, u.id, 'ADMIN', timestamptz '2021-05-02 00:00:00+00' from o, u`,
    [REPORT_COORDINATOR.id, REPORT_COORDINATOR.email, passwordHash, REPORT_COORDINATOR.organisationId],
  );
  await step(
    'circle_organisations (program operator)',
    `insert into circle_organisations (circle_id, organisation_id, added_at)
     select md5('circle:' || c)::uuid, $2::uuid, timestamptz '2021-07-01 00:00:00+00' + c * interval '1 hour'
     from generate_series(0, $1::int - 1) c`,
    [C, REPORT_COORDINATOR.organisationId],
  );
  await step(
    'gatherings',
    `insert into gatherings (id, circle_id, kind, title, status, starts_at, ends_at, time_zone, venue, region_id, created_by_id, created_at, updated_at)
     select md5('gathering:' || c || ':' || g)::uuid, md5('circle:' || c)::uuid,
            (array['CIRCLE_MEETING', 'VILLAGE_PLANNING_FORUM', 'TRAINING', 'DISTRICT_PLANNING_FORUM'])[g + 1]::gathering_kind,
            'Pertemuan ' || (g + 1) || ' lingkar ' || c,
            (case when g = 3 then 'PLANNED' else 'HELD' end)::gathering_status,
            s, s + interval '5 hours', 'Asia/Jakarta', 'Balai pertemuan ' || c,
            case when g = 1 then md5('village:' || (c + 1) || ':' || (c % 3))::uuid else md5('district:' || (c + 1))::uuid end,
            md5('user:' || ((c * 10) % $2::int))::uuid, s - interval '10 days', s - interval '10 days'
     from generate_series(0, $1::int - 1) c, generate_series(0, 3) g,
          lateral (select timestamptz '2022-01-10 02:00:00+00' + ((c * 37 + g * 90) % 355) * interval '1 day' as s) t`,
    [C, U],
  );
  await step(
    'attendance_records',
    `insert into attendance_records (id, gathering_id, user_id, name, name_key, line_key, gender, organisation_id,
                                     affiliation, affiliation_kind, position, village_id, recorded_by_id, recorded_at)
     select md5('line:' || c || ':' || g || ':' || k)::uuid, md5('gathering:' || c || ':' || g)::uuid,
            case when k < 12 then md5('user:' || u)::uuid end,
            nm, lower(nm),
            case when k < 12 then 'u:' || md5('user:' || u)::uuid::text
                 else 'n:' || lower(nm) || '|' || md5('village:' || (c + 1) || ':' || (k % 3))::uuid::text end,
            (case when (c + g + k) % 17 = 0 then 'NOT_STATED' when (c * 7 + g + k) % 2 = 0 then 'FEMALE' else 'MALE' end)::gender,
            case when k < 12 then md5('org:' || (u % $3::int))::uuid end,
            case when k >= 12 then 'Kelompok warga ' || (k % 4) end,
            case when k >= 12 then (array['VILLAGE_GOVERNMENT', 'COMMUNITY_GROUP', 'OTHER', 'DISTRICT_GOVERNMENT'])[k % 4 + 1]::organisation_kind end,
            case when k < 12 then 'Anggota lingkar' else 'Warga' end,
            md5('village:' || (c + 1) || ':' || (k % 3))::uuid,
            md5('user:' || ((c * 10) % $2::int))::uuid, timestamptz '2022-12-31 00:00:00+00'
     from generate_series(0, $1::int - 1) c, generate_series(0, 2) g, generate_series(0, 19) k,
          lateral (select (c * 10 + k) % $2::int as u,
                          case when k < 12 then 'Peserta ' || ((c * 10 + k) % $2::int) else 'Warga ' || c || '-' || g || '-' || k end as nm) x`,
    [C, U, O],
  );
  await step(
    'follow_ups',
    `insert into follow_ups (id, circle_id, gathering_id, title, status, owner_id, organisation_id, due_on, completed_at,
                             created_by_id, created_at, updated_at)
     select md5('follow-up:' || c || ':' || f)::uuid, md5('circle:' || c)::uuid, md5('gathering:' || c || ':' || f)::uuid,
            'Tindak lanjut ' || (f + 1) || ' lingkar ' || c,
            (array['OPEN', 'IN_PROGRESS', 'DONE', 'DROPPED'])[(c + f) % 4 + 1]::follow_up_status,
            md5('user:' || ((c * 10 + 1 + f) % $2::int))::uuid, md5('org:' || (((c * 10 + 1 + f) % $2::int) % $3::int))::uuid,
            (date '2022-03-01' + ((c * 13 + f * 60) % 300))::date,
            case when (c + f) % 4 = 2 then timestamptz '2022-11-01 00:00:00+00' end,
            md5('user:' || ((c * 10) % $2::int))::uuid,
            timestamptz '2022-01-20 00:00:00+00' + ((c * 37 + f * 90) % 330) * interval '1 day',
            timestamptz '2022-01-20 00:00:00+00' + ((c * 37 + f * 90) % 330) * interval '1 day'
     from generate_series(0, $1::int - 1) c, generate_series(0, 2) f`,
    [C, U, O],
  );

  // The activity log as the writes would have left it, in time order (the id is the cursor).
  await step(
    'activity',
    `insert into activity (circle_id, kind, actor_id, thread_id, post_id, occurred_at)
     select circle_id, kind, actor_id, thread_id, post_id, occurred_at from (
       select th.circle_id, 'THREAD_CREATED'::activity_kind as kind, th.author_id as actor_id, th.id as thread_id,
              null::uuid as post_id, th.created_at as occurred_at
       from threads th
       union all
       select th.circle_id, 'POST_CREATED'::activity_kind, p.author_id, p.thread_id, p.id, p.created_at
       from posts p join threads th on th.id = p.thread_id
     ) a
     order by occurred_at, thread_id, post_id nulls first`,
  );

  await client.query('commit');
  await client.query('set session_replication_role = origin');

  const check = await client.query<{ ok: boolean }>(
    `select (select sum(post_count) from threads) = (select count(*) from posts) as ok`,
  );
  if (!check.rows[0].ok) throw new Error('data set check failed: threads.post_count does not add up to the posts');

  const started = performance.now();
  await client.query('vacuum (analyze)');
  log(`  vacuum analyze: ${Math.round(performance.now() - started)} ms`);

  const counts: DatasetCounts = {};
  for (const table of [
    'users',
    'organisations',
    'organisation_members',
    'circles',
    'circle_members',
    'threads',
    'posts',
    'reactions',
    'activity',
    'gatherings',
    'attendance_records',
    'follow_ups',
  ]) {
    const res = await client.query<{ n: string }>(`select count(*)::text as n from ${table}`);
    counts[table] = Number(res.rows[0].n);
  }
  return counts;
}
