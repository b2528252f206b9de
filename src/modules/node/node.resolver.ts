import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, ID, Info, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { BadInputError } from '../../errors.js';
import { Node } from '../../shared/graphql.js';
import { nodeById } from './node.service.js';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID; null when it does not exist or the viewer may not see it.' })
  node(@Arg('id', () => ID, { description: 'A global ID.' }) id: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return nodeById(ctx, id, info);
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: 'Several objects by global ID, in the same order; null for each one that does not exist or is not visible.',
  })
  nodes(@Arg('ids', () => [ID], { description: 'Up to 100 global IDs.' }) ids: string[], @Ctx() ctx: Context) {
    if (ids.length > 100) throw new BadInputError('ids', 'at most 100 IDs at once');
    return Promise.all(ids.map((id) => nodeById(ctx, id)));
  }
}
