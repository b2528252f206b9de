import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
}

/**
 * Rejects documents nested deeper than `maxDepth` or with more than `maxAliases` aliases before
 * anything runs: connections nest, so a few lines of query could otherwise ask for millions of rows.
 */
export function queryLimitsRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const measure = (set: SelectionSetNode, depth: number, seen: Set<string>): { depth: number; aliases: number } => {
      let deepest = depth;
      let aliases = 0;
      for (const sel of set.selections) {
        let child: { depth: number; aliases: number } | undefined;
        if (sel.kind === Kind.FIELD) {
          if (sel.alias) aliases++;
          if (sel.selectionSet) child = measure(sel.selectionSet, depth + 1, seen);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          child = measure(sel.selectionSet, depth, seen);
        } else {
          const fragment = fragments.get(sel.name.value);
          if (fragment && !seen.has(fragment.name.value)) {
            child = measure(fragment.selectionSet, depth, new Set(seen).add(fragment.name.value));
          }
        }
        if (child) {
          deepest = Math.max(deepest, child.depth);
          aliases += child.aliases;
        }
      }
      return { depth: deepest, aliases };
    };
    return {
      OperationDefinition(node) {
        const { depth, aliases } = measure(node.selectionSet, 1, new Set());
        if (depth > limits.maxDepth) {
          context.reportError(
            new GraphQLError(`Query is nested ${depth} levels deep; the limit is ${limits.maxDepth}.`, {
              nodes: [node],
              extensions: { code: 'BAD_USER_INPUT', field: 'query' },
            }),
          );
        }
        if (aliases > limits.maxAliases) {
          context.reportError(
            new GraphQLError(`Query uses ${aliases} aliases; the limit is ${limits.maxAliases}.`, {
              nodes: [node],
              extensions: { code: 'BAD_USER_INPUT', field: 'query' },
            }),
          );
        }
      },
    };
  };
}
