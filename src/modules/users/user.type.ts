import { Field, InputType, ObjectType } from 'type-graphql';
import { IsEmail, Matches, MaxLength, MinLength } from 'class-validator';
import { DateTime, Node } from '../../shared/graphql.js';
import { NoNul } from '../../shared/validation.js';

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
