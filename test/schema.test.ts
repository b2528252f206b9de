import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildSchema as buildSchemaFromSdl,
  findBreakingChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  type GraphQLSchema,
} from 'graphql';
import { buildSchema, printSdl } from '../src/schema.js';
import { plannedFields } from '../src/shared/prefetch.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const committedPath = path.join(root, 'schema/schema.graphql');
// The contract lives next to the repository: ../shared/API.graphql from its root.
const contractPath = path.resolve(here, '../../shared/API.graphql');

let schema: GraphQLSchema;
let emitted: string;
beforeAll(async () => {
  schema = await buildSchema();
  emitted = printSdl(schema);
});

/** Every type, field, argument, enum value and input field without a description. */
function undescribed(s: GraphQLSchema, { rootTypes }: { rootTypes: boolean }): string[] {
  const roots = new Set([s.getQueryType(), s.getMutationType(), s.getSubscriptionType()].filter(Boolean).map((t) => t!.name));
  const missing: string[] = [];
  const blank = (d: string | null | undefined) => !d?.trim();
  for (const type of Object.values(s.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (blank(type.description) && (rootTypes || !roots.has(type.name))) missing.push(`type ${type.name}`);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (blank(field.description)) missing.push(`field ${type.name}.${field.name}`);
        for (const arg of field.args) if (blank(arg.description)) missing.push(`argument ${type.name}.${field.name}(${arg.name})`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (blank(field.description)) missing.push(`input field ${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (blank(value.description)) missing.push(`enum value ${type.name}.${value.name}`);
    }
  }
  return missing;
}

describe('the schema', () => {
  it('built from code equals the committed schema/schema.graphql byte for byte', () => {
    const committed = readFileSync(committedPath, 'utf8');
    expect(emitted === committed, 'schema/schema.graphql is stale: run `npm run schema` and commit the result').toBe(true);
  });

  it('describes every type, field, argument, enum value and input field', () => {
    const missing = undescribed(schema, { rootTypes: false });
    expect(missing, `add a description in the type-graphql decorators for:\n  ${missing.join('\n  ')}`).toEqual([]);
  });

  it('describes the root operation types too', () => {
    const missing = undescribed(schema, { rootTypes: true });
    expect(missing, `undescribed:\n  ${missing.join('\n  ')}`).toEqual([]);
  });

  it('keeps the contract of shared/API.graphql, apart from the Subscription type still to come', (ctx) => {
    ctx.skip(!existsSync(contractPath), `no contract at ${contractPath}: the shared folder is not next to this repository`);
    const contract = buildSchemaFromSdl(readFileSync(contractPath, 'utf8'));
    const breaks = findBreakingChanges(contract, buildSchemaFromSdl(emitted));
    // Subscriptions arrive with the next issue: only their absence is allowed, nothing else.
    const allowed = (b: { type: string; description: string }) =>
      (b.type === 'TYPE_REMOVED' && b.description === 'Subscription was removed.') ||
      (b.type === 'FIELD_REMOVED' && /^Subscription\.\w+ was removed\.$/.test(b.description));
    const others = breaks.filter((b) => !allowed(b)).map((b) => `${b.type}: ${b.description}`);
    expect(others, `the emitted schema breaks the contract:\n  ${others.join('\n  ')}`).toEqual([]);
  });
});

describe('look-ahead planners', () => {
  it('are registered only for fields the schema has, so a renamed field cannot silently lose its plan', () => {
    const fields = plannedFields();
    expect(fields.length).toBeGreaterThan(30);
    const missing = fields.filter((f) => {
      const [type, field] = f.split('.');
      const t = schema.getType(type);
      return !isObjectType(t) || !t.getFields()[field];
    });
    expect(missing).toEqual([]);
  });
});
