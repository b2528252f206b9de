import { Args, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.js';
import { SearchArgs, SearchHitConnection } from './search.type.js';
import * as searching from './search.service.js';

@Resolver()
export class SearchResolver {
  @Query(() => SearchHitConnection, {
    description:
      'Full-text search over what the viewer may read (Indonesian and English stemming, quoted phrases, OR, -exclusion, prefix match on the last word), best match first. Signed out, only organisations.',
  })
  search(@Args(() => SearchArgs) args: SearchArgs, @Ctx() ctx: Context) {
    return searching.search(ctx, args);
  }
}
