import { and, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';
import { ConflictError } from '../errors.js';

/**
 * Claims a client's idempotency key for `resultId` inside the mutation's transaction.
 * Returns null when the key is new (go ahead and create `resultId`), or the id of the first
 * result when the key was used before. Two racing requests with one key meet at the primary
 * key: the second insert waits for the first transaction, then sees its row and returns it.
 */
export async function claimIdempotencyKey(
  tx: Tx,
  userId: string,
  clientMutationId: string | null | undefined,
  mutation: string,
  resultId: string,
): Promise<string | null> {
  if (clientMutationId == null) return null;
  const claimed = await tx
    .insert(idempotencyKeys)
    .values({ userId, clientMutationId, mutation, resultId })
    .onConflictDoNothing()
    .returning({ resultId: idempotencyKeys.resultId });
  if (claimed.length > 0) return null;
  const [first] = await tx
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.clientMutationId, clientMutationId)));
  if (first.mutation !== mutation) throw idempotencyKeyReused(first.mutation);
  return first.resultId;
}

/** The error for a key sent again with another mutation than the one it was first used for. */
export function idempotencyKeyReused(firstMutation: string): ConflictError {
  return new ConflictError(`clientMutationId: this key was already used for ${firstMutation}; use a new key for each new request`, 'clientMutationId');
}
