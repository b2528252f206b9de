/**
 * The README's ```graphql blocks, in order: the explorer's preloaded tabs, and the documents the
 * README test validates against the schema. A block followed by a line "with `{…}`" takes that
 * JSON as its variables.
 */
export function readmeExamples(markdown) {
  const examples = [];
  const fence = /^```graphql\n([\s\S]*?)^```\n(?:\n?with `(\{[^`]*\})`)?/gm;
  for (let m; (m = fence.exec(markdown)); ) {
    const line = markdown.slice(0, m.index).split('\n').length + 1;
    // Indented blocks (inside list items) keep their indentation in the README only.
    const query = m[1].replace(/\n$/, '');
    examples.push({ line, query, variables: m[2] ? JSON.stringify(JSON.parse(m[2]), null, 2) : undefined });
  }
  return examples;
}
