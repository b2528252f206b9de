import { describe, expect, it } from 'vitest';
import { WriteBatcher } from '../src/modules/discussions/post-batch.js';

/** A database call the test finishes by hand, to hold calls in flight. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

type Item = { key: string | null; n: number };

function recorder(options: { fail?: (items: Item[]) => boolean } = {}) {
  const calls: number[][] = [];
  const splits: { err: string; items: number[] }[] = [];
  const gates: ReturnType<typeof gate>[] = [];
  const batcher = new WriteBatcher<Item, string>(
    async (items) => {
      calls.push(items.map((i) => i.n));
      const g = gate();
      gates.push(g);
      await g.opened;
      if (options.fail?.(items)) throw new Error(items.length > 1 ? 'deadlock detected' : `item ${items[0].n} is bad`);
      return items.map((i) => `${items.length > 1 ? 'together' : 'alone'} ${i.n}`);
    },
    (item) => item.key,
    {
      limits: { inFlight: 2, batch: 3 },
      onSplit: (err, items) => splits.push({ err: (err as Error).message, items: items.map((i) => i.n) }),
    },
  );
  /** Lets every call made so far finish, then waits for the ones that follow to start. */
  const release = async () => {
    for (const g of gates.splice(0)) g.open();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { batcher, calls, splits, release };
}

describe('WriteBatcher', () => {
  it('sends a write at once while a call is free, and gathers the ones that wait into calls of at most the batch size, in order', async () => {
    const { batcher, calls, release } = recorder();
    const answers = Array.from({ length: 7 }, (_, n) => batcher.submit({ key: null, n }));
    // Two calls free: the first two go alone; the rest wait for them.
    expect(calls).toEqual([[0], [1]]);
    await release();
    expect(calls).toEqual([[0], [1], [2, 3, 4], [5, 6]]);
    await release();
    expect(await Promise.all(answers)).toEqual(['alone 0', 'alone 1', 'together 2', 'together 3', 'together 4', 'together 5', 'together 6']);
  });

  it('never puts two writes with one key in a call: the second waits for the next', async () => {
    const { batcher, calls, release } = recorder();
    const answers = [
      batcher.submit({ key: null, n: 0 }),
      batcher.submit({ key: null, n: 1 }),
      batcher.submit({ key: 'u1:retry', n: 2 }),
      batcher.submit({ key: 'u1:retry', n: 3 }),
      batcher.submit({ key: 'u2:retry', n: 4 }),
    ];
    await release();
    expect(calls.slice(2)).toEqual([[2, 4], [3]]);
    await release();
    await Promise.all(answers);
  });

  it('writes each on its own when a gathered call fails, so an error reaches only the write that causes it, and says so once', async () => {
    const { batcher, calls, splits, release } = recorder({ fail: (items) => items.length > 1 || items[0].n === 3 });
    const answers = Array.from({ length: 5 }, (_, n) =>
      batcher.submit({ key: null, n }).then(
        (v) => v,
        (err: Error) => err.message,
      ),
    );
    await release();
    await release();
    await release();
    expect(calls).toEqual([[0], [1], [2, 3, 4], [2], [3], [4]]);
    expect(await Promise.all(answers)).toEqual(['alone 0', 'alone 1', 'alone 2', 'item 3 is bad', 'alone 4']);
    // The gathered call's failure reached no client, so it is told; a lone write's is its own answer.
    expect(splits).toEqual([{ err: 'deadlock detected', items: [2, 3, 4] }]);
  });
});
