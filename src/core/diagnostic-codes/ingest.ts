// ML0xxx — Reading the repository (symlinks, submodules, paths).
import type { DiagnosticCodeInfo } from './types.ts';

export const INGEST_CODES: readonly DiagnosticCodeInfo[] = [
  {
    code: 'ML0001',
    severity: 'error',
    title: 'Symbolic link rejected',
    description:
      'A symbolic link named like a config file (`*.yaml`, `*.yml`, `*.json`), or one that leads to a folder ' +
      '(`team-b -> ../shared/team-b`; in a git revision, a target path that names a folder of the ' +
      'same commit). meshlog never follows symbolic links in a config repository: a link can point ' +
      'outside the repository, and what it points to is not part of the reviewed commit. So this ' +
      'config (the folder\'s config files) is not read, which is an error. Replace the link with a ' +
      'copy of the file or folder it points to. Other links are ML0008.',
  },
  {
    code: 'ML0002',
    severity: 'error',
    title: 'Submodule rejected',
    description:
      'The repository contains a submodule (a gitlink, tree mode 160000). Its content lives in ' +
      'another repository and is not part of the reviewed commit, so meshlog does not read it. ' +
      'Copy the config files into this repository instead.',
  },
  {
    code: 'ML0003',
    severity: 'error',
    title: 'Unsafe path',
    description:
      'A tree entry has a name that would escape the repository root or is not a plain path ' +
      'component (`..`, `.`, empty, absolute, or containing `/`, `\\` or a NUL byte). Such entries ' +
      'only appear in crafted repositories; the entry is skipped. Rewrite the history without it.',
  },
  {
    code: 'ML0004',
    severity: 'error',
    title: 'File too large',
    description:
      'A config file is larger than meshlog reads: 8 MiB per file (the most meshlog parses, see ' +
      'ML1005), 256 MiB for all the files of a folder or revision. It is not read at all (its size ' +
      'is taken from the file system or the git object header), so a runaway file cannot exhaust ' +
      'memory; standard input (`-`) or a pipe, whose size is not known beforehand, is read up to the ' +
      'limit and no further. Split the file, or move data that is not mesh config out of `*.yaml`/`*.yml`/`*.json` files.',
  },
  {
    code: 'ML0005',
    severity: 'error',
    title: 'Unreadable entry',
    description:
      'A file or folder could not be read (permissions, a special file such as a FIFO or socket). ' +
      'Fix the permissions or remove the entry. A git object that is missing or damaged is not ' +
      'reported this way: the revision is then unavailable (exit 3), since the repository, not the ' +
      'config, is at fault.',
  },
  {
    code: 'ML0006',
    severity: 'error',
    title: 'Too many files',
    description:
      'The revision holds more candidate config files than meshlog reads (20,000). The rest are ' +
      'not read. Keep mesh config in a repository of its own, or move other YAML out of it.',
  },
  {
    code: 'ML0007',
    severity: 'warning',
    title: 'No config files found',
    description:
      'The folder or revision holds no candidate config file (`*.yaml`, `*.yml` or `*.json`, outside dot-folders such as `.git` and ' +
      'outside `node_modules`), so there is nothing to check or serve. Usually the path is wrong, or the command ran in another ' +
      'folder than meant (the default is the current folder). Also reported when the one file named on the command ' +
      'line, or standard input (`-`), is empty: piped in, usually because the command that was to write it failed. ' +
      'A warning, not an error: an empty mesh is valid.',
  },
  {
    code: 'ML0008',
    severity: 'info',
    title: 'Symbolic link not followed',
    description:
      'A symbolic link whose name is not a config file\'s and that does not lead to a folder ' +
      '(`docs/LICENSE`, `CHANGELOG.md -> docs/changes.md`). Links are never followed (see ML0001), and ' +
      'this one is not config, so it is only noted; so is a link on disk that leads nowhere (dangling ' +
      'or unreadable). In a git revision, a link whose target leaves the repository or is not in the ' +
      'commit cannot be told from a link to a folder where the revision is checked out: without a ' +
      'file extension it is a warning, since the config files in such a folder would not be read. If ' +
      'they are mesh config, replace the link with the folder itself.',
  },
];
