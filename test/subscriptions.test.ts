import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type TestHub } from './support/hub.js';
import { seedKit } from './support/seed-kit.js';
import { collect, until, wsClient } from './support/ws.js';

let hub: TestHub;
beforeAll(async () => {
  hub = await startHub();
});
afterAll(() => hub?.stop());

const CIRCLE_ACTIVITY = `subscription($circleId: ID!, $after: String) {
  circleActivity(circleId: $circleId, after: $after) { cursor kind actor { displayName } post { body } thread { title } }
}`;

describe('circleActivity', () => {
  it('delivers a post to a member subscribed to the circle', async () => {
    const kit = seedKit(hub);
    const { coordinator, circle } = await kit.circleWithCoordinator();
    const thread = await coordinator.createThread(circle);
    const client = wsClient(hub.app.wsUrl, coordinator.token);
    const sub = collect(client, CIRCLE_ACTIVITY, { circleId: circle.id });
    await until(() => hub.app.hub.subscriberCount === 1, 5000, 'subscription registered');
    await coordinator.createPost(thread, { body: 'Halo semua' });
    await until(() => sub.received.results.length === 1, 5000, 'event');
    expect(sub.received.results[0].data.circleActivity).toMatchObject({ kind: 'POST_CREATED', post: { body: 'Halo semua' } });
    sub.dispose();
    await client.dispose();
  });
});
