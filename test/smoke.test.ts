import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub.js';
import { seedKit } from './support/seed-kit.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

describe('the hub', () => {
  it('answers the health check', async () => {
    const res = await fetch(hub.url.replace('/graphql', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('lets a member start a thread and reply in their circle', async () => {
    const kit = seedKit(hub);
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const thread = await coordinator.createThread(circle, { title: 'Musrenbang 2022' });
    await coordinator.createPost(thread, { body: 'Jadwal sudah keluar.' });
    const d = await coordinator.must(`query($slug: String!) { circle(slug: $slug) { threads { totalCount nodes { title postCount } } } }`, {
      slug: circle.slug,
    });
    expect(d.circle.threads).toEqual({ totalCount: 1, nodes: [{ title: 'Musrenbang 2022', postCount: 1 }] });
  });
});
