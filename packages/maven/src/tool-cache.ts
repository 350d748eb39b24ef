// The runner's tool cache through @actions/tool-cache: RUNNER_TOOL_CACHE/<tool>/<version>/<arch>,
// marked complete only once copied whole, so a half-installed Maven is never found. The module is
// loaded on first use: most builds find Maven on PATH, and the action starts without it.
const toolCacheModule = () => import('@actions/tool-cache');

export interface ToolCache {
  /** The cached directory, or '' when absent. */
  find(tool: string, version: string): string | Promise<string>;
  download(url: string, dest: string): Promise<string>;
  extractTar(file: string, dest: string): Promise<string>;
  cacheDir(sourceDir: string, tool: string, version: string): Promise<string>;
}

export const actionsToolCache: ToolCache = {
  find: async (tool, version) => (await toolCacheModule()).find(tool, version),
  download: async (url, dest) => (await toolCacheModule()).downloadTool(url, dest),
  extractTar: async (file, dest) => (await toolCacheModule()).extractTar(file, dest),
  cacheDir: async (sourceDir, tool, version) => (await toolCacheModule()).cacheDir(sourceDir, tool, version),
};
