import { describe, expect, test } from 'vitest';
import { finalStageBase } from './dockerfile-base.ts';

describe('finalStageBase', () => {
  test.each<[string, string, Record<string, string>, string | undefined]>([
    ['a plain FROM', 'FROM debian:bookworm\nCOPY a /a\n', {}, 'debian:bookworm'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile variable syntax
    ['an ARG default', 'ARG BASE_IMAGE=bakeline/jre17-base:1\nFROM ${BASE_IMAGE}\n', {}, 'bakeline/jre17-base:1'],
    ['a build argument over the default', 'ARG BASE_IMAGE=x\nFROM $BASE_IMAGE\n', { BASE_IMAGE: 'y:2' }, 'y:2'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile variable syntax
    ['an ARG without value and no build argument', 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n', {}, undefined],
    [
      'the last stage',
      'FROM maven:3 AS build\nRUN x\nFROM eclipse-temurin:17\nCOPY --from=build a b\n',
      {},
      'eclipse-temurin:17',
    ],
    ['a stage built on a stage', 'FROM debian AS base\nFROM base\n', {}, undefined],
    ['scratch', 'FROM scratch\n', {}, undefined],
    ['a --platform flag and a line continuation', 'FROM --platform=linux/amd64 \\\n  debian:12\n', {}, 'debian:12'],
  ])('%s', (_name, dockerfile, args, expected) => {
    expect(finalStageBase(dockerfile, args)).toBe(expected);
  });
});
