import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
const major = (v: string) => Number(/(\d+)/.exec(v)![1]);

describe('runtime', () => {
  it('runs on the Node.js that package.json asks for (CI sets the major it installed)', () => {
    const required = major(pkg.engines.node);
    expect(pkg.engines.node).toBe(`>=${required}`);
    // Test workers are forks: their version is the one the suite runs on.
    if (process.env.HUB_EXPECT_NODE_MAJOR) expect(major(process.version)).toBe(Number(process.env.HUB_EXPECT_NODE_MAJOR));
    if (process.env.CI) expect(major(process.version)).toBeGreaterThanOrEqual(required);
    console.info(`suite on node ${process.version} (engines ${pkg.engines.node})`);
  });
});
