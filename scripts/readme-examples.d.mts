export interface ReadmeExample {
  /** The line of the README where the document starts. */
  line: number;
  query: string;
  /** JSON, from a "with `{…}`" line after the block. */
  variables?: string;
}
export function readmeExamples(markdown: string): ReadmeExample[];
