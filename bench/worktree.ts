import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where npm installed packages in this checkout: the root's, and each workspace's own (package.json's `dir/*` entries). */
function nodeModulesOf(root: string): string[] {
  const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: string[] };
  const dirs = workspaces.flatMap((pattern) => {
    const parent = pattern.replace(/\/\*$/, '');
    if (parent === pattern) return [pattern];
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(parent, e.name));
  });
  return ['node_modules', ...dirs.map((dir) => join(dir, 'node_modules'))].filter((dir) => existsSync(join(root, dir)));
}

/**
 * A checkout of `ref` beside this one (a detached git worktree in a temp dir) that can run the
 * benchmark: the installed packages are hard-linked from this checkout (the workspace links are
 * relative, so they point into the worktree's own packages). For code levers: both sides must
 * have the same dependencies.
 */
export function checkOut(root: string, ref: string): { dir: string; commit: string; remove(): void } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  const dir = join(mkdtempSync(join(tmpdir(), 'switchboard-ab-')), 'base');
  git('worktree', 'add', '--detach', dir, commit);
  for (const modules of nodeModulesOf(root)) execFileSync('cp', ['-al', join(root, modules), join(dir, modules)]);
  const remove = () => {
    git('worktree', 'remove', '--force', dir);
    rmSync(dirname(dir), { recursive: true, force: true });
  };
  return { dir, commit, remove };
}
