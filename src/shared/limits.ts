import {
  getOperationAST,
  GraphQLError,
  Kind,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connection.js';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';

/**
 * What one document may ask for, checked before anything runs. The measures are graphql-armor's
 * (each walks a fragment once, however often it is spread, so checking takes linear time), the
 * same over HTTP and WebSocket. Defaults are armor's except where the contract's own documents
 * (the README's circle feed, the test suite's) need more; see README "Query limits".
 */
export interface QueryLimits {
  /** Nesting of fields, leaves included (armor's maxDepth; armor's default 6). */
  maxDepth: number;
  /** Aliased fields, through fragments (armor's maxAliases; armor's default 15). */
  maxAliases: number;
  /** Directives, through fragments (armor's maxDirectives; armor's default 50). */
  maxDirectives: number;
  /** Lexical tokens of the query text, enforced by the parser (armor's maxTokens; default 1000). */
  maxTokens: number;
  /** Armor's cost of the operation with `first`/`last` taken from variables and defaults (armor's default 5000). */
  maxCost: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  // The README's circle feed is 7 deep (circle > threads > nodes > posts > nodes > author > displayName);
  // a list of circles with their threads and latest posts (the N+1 test's document) is 8.
  maxDepth: 8,
  maxAliases: 15,
  maxDirectives: 50,
  maxTokens: 1_000,
  // Stricter per document than armor's own count, which sees only page sizes written as numbers:
  // a page of 100 activities with their fields costs about 25,000 here.
  maxCost: 30_000,
};

export type QueryLimitName = 'depth' | 'aliases' | 'directives' | 'tokens' | 'cost';

/** A refused document: QUERY_TOO_COMPLEX naming the limit, its value and what the document needs. */
export class QueryTooComplexError extends GraphQLError {
  constructor(limit: QueryLimitName, max: number, found?: number) {
    const measured = {
      depth: `is nested ${found} levels deep`,
      aliases: `uses ${found} aliases`,
      directives: `uses ${found} directives`,
      tokens: `has ${found} tokens`,
      cost: `costs ${found}`,
    }[limit];
    super(found === undefined ? `Query exceeds the ${limit} limit of ${max}.` : `Query ${measured}; the ${limit} limit is ${max}.`, {
      extensions: { code: 'QUERY_TOO_COMPLEX', limit, max, ...(found === undefined ? {} : { found }) },
    });
  }
}

/** Armor reports `... limit of N exceeded, found M.`; the number found is all we take from it. */
function found(err: GraphQLError): number | undefined {
  const m = /found (\d+(?:\.\d+)?)/.exec(err.message);
  return m ? Math.ceil(Number(m[1])) : undefined;
}

function refuse(limit: QueryLimitName, max: number) {
  return (context: ValidationContext | null, err: GraphQLError) => {
    context?.reportError(new QueryTooComplexError(limit, max, found(err)));
  };
}

/**
 * Validation rules for depth, aliases and directives; cost needs the variables and is checked
 * by `assertQueryCost`, tokens by the parser (`parseOptions`).
 */
export function queryLimitRules(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.maxDepth, propagateOnRejection: false, onReject: [refuse('depth', limits.maxDepth)] }),
    maxAliasesRule({ n: limits.maxAliases, propagateOnRejection: false, onReject: [refuse('aliases', limits.maxAliases)] }),
    maxDirectivesRule({ n: limits.maxDirectives, propagateOnRejection: false, onReject: [refuse('directives', limits.maxDirectives)] }),
  ];
}

/** graphql's own parser limit, reported by graphql as a syntax error; see `tokenLimitError`. */
export function parseOptions(limits: QueryLimits = DEFAULT_QUERY_LIMITS) {
  return { maxTokens: limits.maxTokens };
}

// graphql 16 says "more that"; later versions may fix the typo.
const TOKENS_EXCEEDED = /^Syntax Error: Document contains more (?:than|that) (\d+) tokens/;

/** The parser's refusal of a long document, coded like the other limits; undefined for other errors. */
export function tokenLimitError(message: string): QueryTooComplexError | undefined {
  const m = TOKENS_EXCEEDED.exec(message);
  return m ? new QueryTooComplexError('tokens', Number(m[1])) : undefined;
}

const PAGE_ARGS = new Set(['first', 'last']);

/**
 * Armor's cost counts `first`/`last` only when written as numbers in the query. Here variables
 * and the default page size (20 when `first` is absent) are written in first, so a client cannot
 * lower its cost by passing the page size as a variable or leaving it out.
 */
function withPageSizes(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): DocumentNode {
  const defaults = new Map<string, unknown>();
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const v of def.variableDefinitions ?? []) {
      if (v.defaultValue?.kind === Kind.INT) defaults.set(v.variable.name.value, v.defaultValue.value);
    }
  }
  // A page size outside 1..100 is refused by the field itself (BAD_USER_INPUT naming `first`),
  // so the cost counts at most a full page rather than refusing it here under another name.
  const intValue = (value: unknown) => {
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
    return Number.isInteger(n) ? String(Math.min(Math.max(n, 1), MAX_PAGE_SIZE)) : undefined;
  };
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const fieldDef = typeInfo.getFieldDef();
        if (!fieldDef) return undefined;
        const args: ArgumentNode[] = [];
        let changed = false;
        for (const arg of node.arguments ?? []) {
          if (PAGE_ARGS.has(arg.name.value) && arg.value.kind === Kind.INT) {
            const value = intValue(arg.value.value);
            if (value !== arg.value.value && value !== undefined) {
              args.push({ ...arg, value: { kind: Kind.INT, value } });
              changed = true;
              continue;
            }
          }
          if (PAGE_ARGS.has(arg.name.value) && arg.value.kind === Kind.VARIABLE) {
            const name = arg.value.name.value;
            const value = intValue(variables[name] ?? defaults.get(name) ?? DEFAULT_PAGE_SIZE);
            if (value !== undefined) {
              args.push({ ...arg, value: { kind: Kind.INT, value } });
              changed = true;
              continue;
            }
          }
          args.push(arg);
        }
        if (!args.some((a) => PAGE_ARGS.has(a.name.value))) {
          const first = fieldDef.args.find((a) => a.name === 'first');
          const value = first ? intValue(first.defaultValue ?? DEFAULT_PAGE_SIZE) : undefined;
          if (value !== undefined) {
            args.push({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: { kind: Kind.INT, value } });
            changed = true;
          }
        }
        return changed ? { ...node, arguments: args } : undefined;
      },
    }),
  );
}

/**
 * Armor's cost of one operation of `document` (the named one, or the only one), with page sizes
 * from `variables` and the schema's defaults: 1 per scalar, 2 per object, children weighted 1.5,
 * lists multiplied by their `first`/`last`. Introspection costs nothing. Also the unit of the
 * per-user hourly budget.
 */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables: Record<string, unknown> = {},
): number {
  // Apollo and the socket server keep one parsed document per query text, so a hot document's
  // cost is computed once per operation and variables, not walked again on every request.
  let known = costs.get(document);
  if (!known) costs.set(document, (known = new Map()));
  const key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`;
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const cost = computeCost(schema, document, operationName, variables);
  // Variables that vary per request (search text, cursors) must not grow it without end.
  if (known.size >= 100) known.clear();
  known.set(key, cost);
  return cost;
}

const costs = new WeakMap<DocumentNode, Map<string, number>>();

function computeCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown>): number {
  const operation = getOperationAST(document, operationName);
  // The chosen operation and every fragment: other operations of the document do not run.
  const single: DocumentNode = operation
    ? { ...document, definitions: document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION) }
    : document;
  let cost = 0;
  const rule = costLimitRule({
    maxCost: Number.POSITIVE_INFINITY,
    propagateOnRejection: false,
    onAccept: [(_context, { n }) => void (cost = Math.max(cost, n))],
  });
  validate(schema, withPageSizes(schema, single, variables ?? {}), [rule]);
  return Math.ceil(cost);
}

/** Throws QUERY_TOO_COMPLEX when the operation about to run costs more than `limits.maxCost`. */
export function assertQueryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits = DEFAULT_QUERY_LIMITS,
): number {
  const cost = queryCost(schema, document, operationName, variables);
  if (cost > limits.maxCost) throw new QueryTooComplexError('cost', limits.maxCost, cost);
  return cost;
}
