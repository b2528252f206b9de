import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { readmeExamples } from '../scripts/readme-examples.mjs';

const root = new URL('..', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');
// The emitted contract, as a client sees it (test/schema.test.ts keeps it in step with the code).
const schema = buildSchema(readFileSync(new URL('schema/schema.graphql', root), 'utf8'));
const examples = readmeExamples(readme);

describe('README', () => {
  it('finds every ```graphql block (they are also the explorer\'s tabs)', () => {
    expect(examples).toHaveLength(readme.match(/^```graphql$/gm)!.length);
    expect(examples.length).toBeGreaterThanOrEqual(12);
  });

  it.each(examples.map((e) => [e.line, e] as const))('line %i: a document that validates against the schema', (_line, example) => {
    const document = parse(example.query);
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
    if (example.variables) expect(JSON.parse(example.variables)).toBeTypeOf('object');
  });

  it('gives the circle feed its variables', () => {
    expect(examples.find((e) => e.query.includes('query CircleFeed'))?.variables).toContain('lbb-lombok-tengah');
  });
});
