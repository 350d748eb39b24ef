import * as core from '@actions/core';
export function hello(name: string): void {
  core.info(`hello ${name}`);
}
