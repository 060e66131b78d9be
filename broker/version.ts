import { readFileSync } from 'node:fs';

/** The package version, read once from package.json (two levels up in both source and dist trees). */
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'tributary' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Try the next candidate.
    }
  }
  return '0.0.0-unknown';
}

export const BUILD_VERSION = readVersion();
