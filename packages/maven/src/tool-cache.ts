// The runner's tool cache through @actions/tool-cache: RUNNER_TOOL_CACHE/<tool>/<version>/<arch>,
// marked complete only once copied whole, so a half-installed Maven is never found.
import * as tc from '@actions/tool-cache';

export interface ToolCache {
  /** The cached directory, or '' when absent. */
  find(tool: string, version: string): string;
  download(url: string, dest: string): Promise<string>;
  extractTar(file: string, dest: string): Promise<string>;
  cacheDir(sourceDir: string, tool: string, version: string): Promise<string>;
}

export const actionsToolCache: ToolCache = {
  find: (tool, version) => tc.find(tool, version),
  download: (url, dest) => tc.downloadTool(url, dest),
  extractTar: (file, dest) => tc.extractTar(file, dest),
  cacheDir: (sourceDir, tool, version) => tc.cacheDir(sourceDir, tool, version),
};
