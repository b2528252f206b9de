import type { GraphQLResolveInfo } from 'graphql';
import { planNodes } from '../../shared/prefetch.js';
import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root, Info } from 'type-graphql';
import { actAs, type Context } from '../../context.js';
import type { UserRow } from '../../db/schema.js';
import { DateTime, PageArgs } from '../../shared/graphql.js';
import { OrganisationMembershipConnection } from '../organisations/organisation.type.js';
import { userOrganisationsPage } from '../organisations/organisation.service.js';
import { CircleMembershipConnection } from '../circles/circle.type.js';
import { userCirclesPage } from '../circles/circle.service.js';
import { requestOf } from '../../context.js';
import type { SessionRow } from '../../db/schema.js';
import { toGlobalId } from '../../shared/ids.js';
import {
  AuthPayload,
  ChangePasswordInput,
  ChangePasswordPayload,
  RevokeSessionInput,
  RevokeSessionPayload,
  Session,
  SignInInput,
  SignUpInput,
  UpdateProfileInput,
  UpdateProfilePayload,
  User,
} from './user.type.js';
import { changePassword, revokeSession, signIn, signOut, signUp, updateProfile, viewerSessions, type AuthResult } from './user.service.js';

/** The rest of the request acts as the user who just signed in, so the payload shows their own email. */
function signedIn(ctx: Context, result: AuthResult): AuthResult {
  actAs(ctx, { user: result.user, sessionId: result.sessionId });
  return result;
}

@Resolver(() => User)
export class UserResolver {
  @Query(() => User, { nullable: true, description: 'The signed-in user; null when anonymous.' })
  viewer(@Ctx() ctx: Context): UserRow | null {
    return ctx.viewer?.user ?? null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Only the user themself sees their own email; null for everyone else.' })
  email(@Root() user: UserRow, @Ctx() ctx: Context): string | null {
    return ctx.viewer?.user.id === user.id ? user.email : null;
  }

  @FieldResolver(() => OrganisationMembershipConnection, { description: 'Organisations the user belongs to. Needs sign-in.' })
  organisations(@Root() user: UserRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return userOrganisationsPage(ctx, user.id, args, planNodes(ctx, info, 'OrganisationMembership'));
  }

  @FieldResolver(() => CircleMembershipConnection, { description: 'Circles the user takes part in that the viewer can see. Needs sign-in.' })
  circles(@Root() user: UserRow, @Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context) {
    return userCirclesPage(ctx, user.id, args);
  }

  @Mutation(() => AuthPayload, { description: 'Creates an account and signs in.' })
  async signUp(@Arg('input', () => SignUpInput, { description: 'The new account.' }) input: SignUpInput, @Ctx() ctx: Context) {
    return signedIn(ctx, await signUp(ctx, input));
  }

  @Mutation(() => AuthPayload, { description: 'Signs in with email and password; returns a new bearer token.' })
  async signIn(@Arg('input', () => SignInInput, { description: 'Credentials.' }) input: SignInInput, @Ctx() ctx: Context) {
    return signedIn(ctx, await signIn(ctx, input));
  }

  @FieldResolver(() => [Session], {
    nullable: true,
    description: "The user's live sessions (signed in, not revoked, not expired), most recently used first; only the user themself sees them, null for everyone else. Needs sign-in.",
  })
  sessions(@Root() user: UserRow, @Ctx() ctx: Context) {
    return viewerSessions(ctx, user.id);
  }

  @Mutation(() => UpdateProfilePayload, {
    description: "Changes the viewer's display name or handle. A malformed handle is BAD_USER_INPUT, one someone else holds CONFLICT.",
  })
  async updateProfile(
    @Arg('input', () => UpdateProfileInput, { description: 'The fields to change.' }) input: UpdateProfileInput,
    @Ctx() ctx: Context,
  ) {
    return { user: await updateProfile(ctx, input) };
  }

  @Mutation(() => Boolean, { description: 'Revokes the token this request was made with; WebSockets opened with it close (4401).' })
  signOut(@Ctx() ctx: Context) {
    return signOut(ctx);
  }

  @Authorized()
  @Mutation(() => RevokeSessionPayload, {
    description: "Ends one of the viewer's sessions, or all but the current one: their tokens stop working and their open WebSockets close (4401) on every instance.",
  })
  async revokeSession(@Arg('input', () => RevokeSessionInput, { description: 'Which sessions to end.' }) input: RevokeSessionInput, @Ctx() ctx: Context) {
    const ids = await revokeSession(ctx, input);
    return { revokedSessionIds: ids.map((id) => toGlobalId('Session', id)), clientMutationId: input.clientMutationId ?? null };
  }

  @Authorized()
  @Mutation(() => ChangePasswordPayload, {
    description: "Changes the viewer's password (the current one is required) and ends every other session of theirs; this one stays signed in.",
  })
  async changePassword(@Arg('input', () => ChangePasswordInput, { description: 'Current and new password.' }) input: ChangePasswordInput, @Ctx() ctx: Context) {
    return { user: await changePassword(ctx, input), clientMutationId: input.clientMutationId ?? null };
  }
}

@Resolver(() => Session)
export class SessionResolver {
  @FieldResolver(() => DateTime, { description: 'When the session expires unless used again: the earlier of idle expiry and its absolute limit.' })
  expiresAt(@Root() session: SessionRow, @Ctx() ctx: Context): Date {
    const { idleMs, maxAgeMs } = requestOf(ctx).security.policy.session;
    return new Date(Math.min(session.lastUsedAt.getTime() + idleMs, session.createdAt.getTime() + maxAgeMs));
  }

  @FieldResolver(() => Boolean, { description: 'True for the session this request was made with.' })
  current(@Root() session: SessionRow, @Ctx() ctx: Context): boolean {
    return ctx.viewer?.sessionId === session.id;
  }
}
