import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Where npm installed packages in this repository (the root's and the workspaces' own). */
const NODE_MODULES = ['node_modules', 'apps/web/node_modules', 'apps/widget/node_modules', 'apps/server/node_modules', 'packages/db/node_modules', 'packages/flow/node_modules', 'packages/channels/node_modules'];

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
  for (const modules of NODE_MODULES) {
    if (existsSync(join(root, modules))) execFileSync('cp', ['-al', join(root, modules), join(dir, modules)]);
  }
  const remove = () => {
    git('worktree', 'remove', '--force', dir);
    rmSync(dirname(dir), { recursive: true, force: true });
  };
  return { dir, commit, remove };
}
