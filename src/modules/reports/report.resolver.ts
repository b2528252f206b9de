import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { Region } from '../regions/region.type.js';
import { ProgramReport, ProgramReportArgs, ProgramReportRow } from './report.type.js';
import { programReport, type ProgramReportRowData } from './report.service.js';

@Resolver(() => ProgramReport)
export class ProgramReportResolver {
  @Query(() => ProgramReport, {
    description:
      "The coordinator's report for a period (at most 3 years): it counts only circles the viewer coordinates or that an organisation the viewer administers takes part in.",
  })
  programReport(@Args(() => ProgramReportArgs) args: ProgramReportArgs, @Ctx() ctx: Context) {
    return programReport(ctx, args);
  }
}

@Resolver(() => ProgramReportRow)
export class ProgramReportRowResolver {
  @FieldResolver(() => Region, { nullable: true, description: 'The district; null on the total row.' })
  district(@Root() row: ProgramReportRowData, @Ctx() ctx: Context) {
    return row.districtId ? ctx.loaders.region.load(row.districtId) : null;
  }
}
