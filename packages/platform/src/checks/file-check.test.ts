import { describe, expect, it } from 'vitest';
import { FakeEngine } from '../../test/fake-engine.ts';
import { DockerCli } from '../docker-cli.ts';
import { fileCheck } from '../spec-schema.ts';
import { parseStat, runFileCheck } from './file-check.ts';

function setup(answers: Record<string, { exitCode?: number; stdout?: string; stderr?: string }>) {
  const engine = new FakeEngine({
    exec: (argv) => answers[argv.join(' ')] ?? { exitCode: 1, stderr: `unexpected ${argv.join(' ')}` },
  });
  return { engine, docker: new DockerCli({ exec: engine.exec }) };
}
const STAT = 'stat -c %a|%u|%g|%U|%G|%F';

describe('file checks', () => {
  it.each([
    ['644|0|0|root|root|regular file', { type: 'file', mode: '644', uid: '0', gid: '0', user: 'root', group: 'root' }],
    [
      '755|10001|0|UNKNOWN|root|directory',
      { type: 'directory', mode: '755', uid: '10001', gid: '0', user: 'UNKNOWN', group: 'root' },
    ],
    [
      '777|0|0|root|root|symbolic link',
      { type: 'symlink', mode: '777', uid: '0', gid: '0', user: 'root', group: 'root' },
    ],
    [
      '600|0|0|root|root|regular empty file',
      { type: 'file', mode: '600', uid: '0', gid: '0', user: 'root', group: 'root' },
    ],
  ])('reads stat output %j', (output, stat) => expect(parseStat(`${output}\n`)).toEqual(stat));

  it('passes a file with the right type, mode, owner and content, read through docker exec', async () => {
    const { engine, docker } = setup({
      [`${STAT} /app/app.conf`]: { stdout: '644|0|0|root|root|regular file\n' },
      'cat /app/app.conf': { stdout: 'port=8080\nname=x\n' },
    });
    const check = fileCheck.parse({
      path: '/app/app.conf',
      type: 'file',
      mode: '0644',
      owner: 'root:root',
      contentMatches: '^port=\\d+$',
      contentNotMatches: 'password',
    });
    expect(await runFileCheck(docker, 'c1', check)).toEqual([]);
    expect(engine.commands).toEqual([
      'docker exec c1 stat -c %a|%u|%g|%U|%G|%F /app/app.conf',
      'docker exec c1 cat /app/app.conf',
    ]);
  });

  it('reports each mismatch', async () => {
    const { docker } = setup({
      [`${STAT} /app`]: { stdout: '777|10001|10001|app|app|directory\n' },
    });
    const check = fileCheck.parse({ path: '/app', type: 'file', mode: '755', owner: '0:0', contentMatches: 'x' });
    expect(await runFileCheck(docker, 'c1', check)).toEqual([
      '/app is a directory, expected a file',
      '/app has mode 0777, expected 0755',
      '/app is owned by app:app (10001:10001), expected 0:0',
      '/app is a directory: it has no content to match',
    ]);
  });

  it.each([
    [true, 1, "stat: cannot stat '/x': No such file or directory", ['/x does not exist']],
    [false, 1, "stat: can't stat '/x': No such file or directory", []],
    [false, 0, '', ['/x exists']],
  ])('exists: %s with stat exit %i', async (exists, exitCode, stderr, problems) => {
    const { docker } = setup({
      [`${STAT} /x`]: { exitCode, stderr, stdout: exitCode === 0 ? '644|0|0|root|root|regular file' : '' },
    });
    expect(await runFileCheck(docker, 'c1', fileCheck.parse({ path: '/x', exists }))).toEqual(problems);
  });

  it('says so when the image has no stat', async () => {
    const { docker } = setup({
      [`${STAT} /x`]: {
        exitCode: 126,
        stderr:
          'OCI runtime exec failed: exec failed: unable to start container process: exec: "stat": executable file not found in $PATH: unknown',
      },
    });
    await expect(runFileCheck(docker, 'c1', fileCheck.parse({ path: '/x' }))).rejects.toThrow(
      "file checks need 'stat' in the image",
    );
  });
});
