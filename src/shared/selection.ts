import type { GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * Whether the field being resolved selects `path` below it, through inline fragments and
 * fragment spreads. Lists use it to read a related row in the same statement as the page only
 * when a client asked for it. @skip and @include are not evaluated: a field they leave out still
 * counts as selected, which costs a join, never a wrong answer.
 */
export function selects(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  let sets = info.fieldNodes.flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));
  for (const [i, name] of path.entries()) {
    const found = sets.flatMap((set) => fieldsNamed(info, set, name, new Set()));
    if (found.length === 0) return false;
    if (i === path.length - 1) return true;
    sets = found.flatMap((f) => (f.selectionSet ? [f.selectionSet] : []));
  }
  return false;
}

/** Whether a connection's nodes (as `nodes` or `edges { node }`) select `field`. */
export function nodesSelect(info: GraphQLResolveInfo, field: string): boolean {
  return selects(info, ['nodes', field]) || selects(info, ['edges', 'node', field]);
}

function fieldsNamed(info: GraphQLResolveInfo, set: SelectionSetNode, name: string, seen: Set<string>) {
  const out: { selectionSet?: SelectionSetNode }[] = [];
  for (const s of set.selections) {
    if (s.kind === 'Field') {
      if (s.name.value === name) out.push(s);
    } else if (s.kind === 'InlineFragment') {
      out.push(...fieldsNamed(info, s.selectionSet, name, seen));
    } else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const fragment = info.fragments[s.name.value];
      if (fragment) out.push(...fieldsNamed(info, fragment.selectionSet, name, seen));
    }
  }
  return out;
}
