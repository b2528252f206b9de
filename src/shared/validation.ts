import { ArrayMaxSize, getMetadataStorage, IsInt, IsUrl, Matches, Max, MaxLength, Min, validate, type ValidatorOptions } from 'class-validator';
import { ArgumentValidationError } from 'type-graphql';
import { BadInputError } from '../errors.js';

/** Shared input rules, so a title is bounded the same way wherever it is typed. */
export const LIMITS = {
  name: 120,
  title: 200,
  description: 2_000,
  body: 20_000,
  url: 2_000,
  clientMutationId: 100,
  search: 100,
  note: 1_000,
  searchQuery: 200,
} as const;

const compose =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const d of decorators) d(target, key);
  };

export const NotBlank = () => Matches(/\S/, { message: '$property must not be blank' });
// PostgreSQL text cannot hold U+0000: refused as bad input here rather than failing in the database.
const NUL_MESSAGE = 'must not contain NUL characters';
export const NoNul = () => Matches(/^[^\u0000]*$/, { message: `$property ${NUL_MESSAGE}` });
export function assertNoNul(value: string, field: string): void {
  if (value.includes('\u0000')) throw new BadInputError(field, NUL_MESSAGE);
}
export const Name = () => compose(NotBlank(), NoNul(), MaxLength(LIMITS.name));
export const Title = () => compose(NotBlank(), NoNul(), MaxLength(LIMITS.title));
export const Body = () => compose(NotBlank(), NoNul(), MaxLength(LIMITS.body));
export const Description = () => compose(NoNul(), MaxLength(LIMITS.description));
export const Note = () => compose(NoNul(), MaxLength(LIMITS.note));
export const SearchQuery = () => compose(NotBlank(), NoNul(), MaxLength(LIMITS.searchQuery));
export const Search = () => compose(NoNul(), MaxLength(LIMITS.search));
export const HttpUrl = () =>
  compose(
    NoNul(),
    MaxLength(LIMITS.url),
    IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: '$property must be an http(s) URL' }),
  );
export const SdgGoals = () =>
  compose(
    ArrayMaxSize(18),
    IsInt({ each: true }),
    Min(1, { each: true, message: '$property must hold SDG goal numbers from 1 to 18' }),
    Max(18, { each: true, message: '$property must hold SDG goal numbers from 1 to 18' }),
  );
export const ClientMutationId = () => compose(NotBlank(), NoNul(), MaxLength(LIMITS.clientMutationId));

const VALIDATOR_OPTIONS: ValidatorOptions = { skipMissingProperties: true, forbidUnknownValues: false, stopAtFirstError: true };
const constrained = new Map<Function, boolean>();

function hasConstraints(type: Function): boolean {
  let known = constrained.get(type);
  if (known === undefined) {
    known = getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0;
    constrained.set(type, known);
  }
  return known;
}

/**
 * type-graphql's `validateFn`: runs class-validator only on arguments whose class declares
 * rules. Its built-in path imports class-validator dynamically for every object argument, so a
 * feed with `posts(first: 3)` on 20 threads paid 20 module look-ups and 20 empty validations.
 */
export async function validateArgument(value: unknown): Promise<void> {
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (item === null || typeof item !== 'object' || !hasConstraints(item.constructor)) continue;
    const errors = await validate(item, VALIDATOR_OPTIONS);
    if (errors.length) throw new ArgumentValidationError(errors);
  }
}
