import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { and, eq, isNull, type SQL } from 'drizzle-orm';
import type { Context } from '../../context.js';
import { regions, type RegionRow } from '../../db/schema.js';
import { RegionLevel, SdgGoal } from '../../shared/graphql.js';
import { optionalGlobalId } from '../../shared/ids.js';
import { SDG_GOALS, type SdgGoalData } from '../../shared/sdg-goals.js';
import { Region } from './region.type.js';

@Resolver(() => Region)
export class RegionResolver {
  @Query(() => [SdgGoal], { description: 'The 18 goals, in order. Public.' })
  sdgGoals(): readonly SdgGoalData[] {
    return SDG_GOALS;
  }

  @Query(() => [Region], {
    description: 'Regions by name. Public. With neither argument: the provinces.',
  })
  async regions(
    @Arg('level', () => RegionLevel, { nullable: true, description: 'Only regions of this level.' }) level: RegionLevel | null,
    @Arg('parentId', () => ID, { nullable: true, description: 'Only the regions directly below this one.' }) parentId: string | null,
    @Ctx() ctx: Context,
  ): Promise<RegionRow[]> {
    const parent = optionalGlobalId(parentId, 'Region', 'parentId');
    const conditions: (SQL | undefined)[] = [level ? eq(regions.level, level) : undefined];
    if (parent) conditions.push(eq(regions.parentId, parent));
    else if (!level) conditions.push(isNull(regions.parentId));
    return ctx.db
      .select()
      .from(regions)
      .where(and(...conditions))
      .orderBy(regions.name, regions.id);
  }

  @FieldResolver(() => Region, { nullable: true, description: 'The region this one lies in.' })
  parent(@Root() region: RegionRow, @Ctx() ctx: Context) {
    return region.parentId ? ctx.loaders.region.load(region.parentId) : null;
  }

  @FieldResolver(() => [Region], { description: 'The regions directly below this one, by name.' })
  children(@Root() region: RegionRow, @Ctx() ctx: Context) {
    return ctx.loaders.regionChildren.load(region.id);
  }
}
