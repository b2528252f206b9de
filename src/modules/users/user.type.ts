import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { IsEmail, IsOptional, Matches, MaxLength, MinLength } from 'class-validator';
import { DateTime, Node } from '../../shared/graphql.js';
import { ClientMutationId, NoNul } from '../../shared/validation.js';

@ObjectType('User', { simpleResolvers: true, implements: Node, description: 'A person using the hub.' })
export class User extends Node {
  @Field(() => String, { description: 'Name shown to others.' })
  displayName!: string;
  @Field(() => DateTime, { description: 'When the account was created.' })
  createdAt!: Date;
}

@InputType('SignUpInput', { description: 'A new account.' })
export class SignUpInput {
  @Field(() => String, { description: 'Email address; unique regardless of letter case.' })
  @MaxLength(254)
  @NoNul()
  @IsEmail({}, { message: 'must be an email address' })
  email!: string;

  @Field(() => String, { description: 'At least 10 characters.' })
  @MinLength(10, { message: 'must be at least 10 characters' })
  @MaxLength(200)
  password!: string;

  @Field(() => String, { description: 'Name shown to others, up to 120 characters.' })
  @Matches(/\S/, { message: 'must not be blank' })
  @NoNul()
  @MaxLength(120)
  displayName!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A name for this session in viewer.sessions (e.g. "Phone"); up to 100 characters. Without it, the browser and system named by the User-Agent.',
  })
  @IsOptional()
  @NoNul()
  @MaxLength(100)
  sessionLabel?: string | null;
}

@InputType('SignInInput', { description: 'Credentials of an existing account.' })
export class SignInInput {
  @Field(() => String, { description: 'Email address, in any letter case.' })
  @MaxLength(254)
  @NoNul()
  email!: string;

  @Field(() => String, { description: 'The account password.' })
  @MaxLength(200)
  password!: string;

  @Field(() => String, {
    nullable: true,
    description: 'A name for this session in viewer.sessions (e.g. "Phone"); up to 100 characters. Without it, the browser and system named by the User-Agent.',
  })
  @IsOptional()
  @NoNul()
  @MaxLength(100)
  sessionLabel?: string | null;
}

@ObjectType('AuthPayload', { simpleResolvers: true, description: 'A new session.' })
export class AuthPayload {
  @Field(() => String, {
    description: "Bearer token for the Authorization header and for connection_init's payload { authToken }.",
  })
  token!: string;
  @Field(() => User, { description: 'The signed-in user.' })
  user!: unknown;
}

@ObjectType('Session', {
  simpleResolvers: true,
  implements: Node,
  description: 'A signed-in device or client of the viewer: one per sign-in, until signed out, revoked or expired.',
})
export class Session extends Node {
  @Field(() => String, { nullable: true, description: 'Name given at sign-in, else the browser and system from the User-Agent (e.g. "Chrome on Android").' })
  label!: string | null;
  @Field(() => DateTime, { description: 'When the session began (the sign-in).' })
  createdAt!: Date;
  @Field(() => DateTime, { description: 'When the session was last used, to within about a minute.' })
  lastUsedAt!: Date;
}

@InputType('RevokeSessionInput', { description: 'Which of the viewer\u2019s sessions to end: one, or all but the current one.' })
export class RevokeSessionInput {
  @Field(() => ID, { nullable: true, description: 'The session to end (it may be the current one: that is signing out).' })
  @IsOptional()
  sessionId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True to end every session except the current one (instead of sessionId).' })
  @IsOptional()
  allOthers?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Echoed in the payload; a retry ends nothing new.' })
  @IsOptional()
  @ClientMutationId()
  clientMutationId?: string | null;
}

@ObjectType('RevokeSessionPayload', { simpleResolvers: true, description: 'Result of revokeSession.' })
export class RevokeSessionPayload {
  @Field(() => [ID], { description: 'IDs of the sessions ended by this call; their tokens and open WebSockets stop working at once.' })
  revokedSessionIds!: string[];
  @Field(() => String, { nullable: true, description: 'The clientMutationId sent, if any.' })
  clientMutationId!: string | null;
}

@InputType('ChangePasswordInput', { description: 'A new password for the viewer, confirmed with the current one.' })
export class ChangePasswordInput {
  @Field(() => String, { description: 'The password in use now.' })
  @MaxLength(200)
  currentPassword!: string;

  @Field(() => String, { description: 'The new password: at least 10 characters, different from the current one.' })
  @MinLength(10, { message: 'must be at least 10 characters' })
  @MaxLength(200)
  newPassword!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Makes a retry safe: the same key answers again without asking for the (by then changed) current password.',
  })
  @IsOptional()
  @ClientMutationId()
  clientMutationId?: string | null;
}

@ObjectType('ChangePasswordPayload', { simpleResolvers: true, description: 'Result of changePassword: the other sessions have ended.' })
export class ChangePasswordPayload {
  @Field(() => User, { description: 'The viewer.' })
  user!: unknown;
  @Field(() => String, { nullable: true, description: 'The clientMutationId sent, if any.' })
  clientMutationId!: string | null;
}
