/**
 * Group commit for posts. Every post appends to the activity log under a lock held until its
 * commit, so posts commit one at a time, each waiting for the previous commit's flush: under
 * load the lock, not the work, sets the pace (bench/notes.md). The posts that arrive while this
 * server already has a call in the database wait for it and then go together, as one
 * transaction (`hub_create_posts`, migration 0017) with one commit, one append and one NOTIFY,
 * each still checked on its own and answered on its own.
 *
 * No timer holds a post back: a post that finds no call under way goes at once, alone. Posts
 * only ever wait for a call already under way, the wait they would have had on the lock anyway.
 */

/**
 * Calls one server keeps in the database at once; more posts wait to go as one. One, because the
 * calls of a server queue on the append lock anyway, and fewer, larger calls share more: plain
 * createPost from ten clients (`npm run bench -- --only notifications --quick`) made 1,283 posts
 * a second with one call at a time against 968 with two (bench/notes.md).
 */
const MAX_IN_FLIGHT = 1;
/**
 * Posts in one call. Each holds its thread's lock and its retry key until the call commits;
 * a few dozen keep the call short and the wait of the last one small.
 */
const MAX_BATCH = 32;

interface Waiting<I, O> {
  item: I;
  resolve(outcome: O): void;
  reject(err: unknown): void;
}

export class WriteBatcher<I, O> {
  private readonly queue: Waiting<I, O>[] = [];
  private inFlight = 0;
  private readonly limits: { inFlight: number; batch: number };

  /**
   * @param write writes the items in one transaction, answering each in order; if it throws,
   *   nothing was written, and when there were several each is written again alone, so one odd
   *   item cannot fail the others.
   * @param keyOf an item's retry key: items sharing one never go in one call (a retry waits for
   *   its first attempt's call).
   * @param options.onSplit told when a call of several items failed, before each is written again
   *   alone: the clients see no error, so this is where an operator hears of it.
   */
  constructor(
    private readonly write: (items: I[]) => Promise<O[]>,
    private readonly keyOf: (item: I) => string | null,
    private readonly options: { limits?: { inFlight: number; batch: number }; onSplit?: (err: unknown, items: I[]) => void } = {},
  ) {
    this.limits = options.limits ?? { inFlight: MAX_IN_FLIGHT, batch: MAX_BATCH };
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.limits.inFlight && this.queue.length) {
      const batch = this.take();
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The oldest waiting items, up to the batch size, never two with the same key. */
  private take(): Waiting<I, O>[] {
    const batch: Waiting<I, O>[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < this.queue.length && batch.length < this.limits.batch; ) {
      const key = this.keyOf(this.queue[i].item);
      if (key !== null && keys.has(key)) {
        i++;
        continue;
      }
      if (key !== null) keys.add(key);
      batch.push(this.queue.splice(i, 1)[0]);
    }
    return batch;
  }

  private async run(batch: Waiting<I, O>[]): Promise<void> {
    let outcomes: O[];
    try {
      outcomes = await this.write(batch.map((w) => w.item));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      // Nothing was written (a deadlock with another server's call, a constraint no check
      // foresaw): each alone, so the error reaches only the item that causes it.
      this.options.onSplit?.(err, batch.map((w) => w.item));
      await Promise.all(batch.map((w) => this.write([w.item]).then(([outcome]) => w.resolve(outcome), w.reject)));
      return;
    }
    batch.forEach((w, i) => w.resolve(outcomes[i]));
  }
}
