import { setLookahead } from '../../src/shared/prefetch.js';

/** Runs `work` with look-ahead off (LOOKAHEAD=false), on again afterwards whatever happens. */
export async function withoutLookahead<T>(work: () => Promise<T>): Promise<T> {
  setLookahead(false);
  try {
    return await work();
  } finally {
    setLookahead(true);
  }
}
