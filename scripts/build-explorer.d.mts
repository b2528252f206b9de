export const EXPLORER_DIR: string;
export function buildExplorer(options?: { force?: boolean; log?: (msg: string) => void }): Promise<string>;
