// Types of user-cache.js (plain JavaScript: see its header).

/** The cache folder (created, private to this user), or undefined when there is none to be had. */
export function userCacheDir(env?: Readonly<Record<string, string | undefined>>): string | undefined;
