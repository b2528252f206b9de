import { Field, InputType, ObjectType } from 'type-graphql';
import { IsEmail, Matches, MaxLength, MinLength } from 'class-validator';
import { DateTime, Node } from '../../shared/graphql.js';
import { NoNul } from '../../shared/validation.js';

@ObjectType('User', { simpleResolvers: true, implements: Node, description: 'A person using the hub.' })
export class User extends Node {
  @Field(() => String, { description: 'Name shown to others.' })
  displayName!: string;
  @Field(() => String, {
    description: 'Unique, for @mentions: lower-case letters, digits and single dashes inside; 3 to 30 characters.',
  })
  handle!: string;
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

@InputType('UpdateProfileInput', { description: "Changes to the viewer's own profile; omitted fields stay as they are." })
export class UpdateProfileInput {
  @Field(() => String, { nullable: true, description: 'Name shown to others, up to 120 characters.' })
  @Matches(/\S/, { message: 'must not be blank' })
  @NoNul()
  @MaxLength(120)
  displayName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A new handle: lower-case letters, digits and single dashes inside, 3 to 30 characters; CONFLICT if someone holds it.',
  })
  handle?: string | null;
}

@ObjectType('UpdateProfilePayload', { simpleResolvers: true, description: 'The profile after the change.' })
export class UpdateProfilePayload {
  @Field(() => User, { description: 'The viewer, changed.' })
  user!: unknown;
}
