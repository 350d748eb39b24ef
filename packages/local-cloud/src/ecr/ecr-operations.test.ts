import * as ecr from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { ECR_OPERATIONS } from './ecr-operations.ts';

describe('ECR_OPERATIONS', () => {
  it("lists exactly the SDK's ECR commands", () => {
    const commands = Object.keys(ecr)
      .filter((name) => name.endsWith('Command') && name !== 'Command')
      .map((name) => name.slice(0, -'Command'.length))
      .sort();
    expect([...ECR_OPERATIONS].sort()).toEqual(commands);
  });
});
