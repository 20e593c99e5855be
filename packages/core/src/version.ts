/**
 * The version of `@musil/core`, as a constant the package can export without reading files at
 * run time (a bundled or worker copy has no package.json next to it). A test keeps it equal to
 * the `version` field of package.json, so a release that bumps one and not the other fails.
 *
 * @module
 */

/** The version of `@musil/core` this code belongs to, e.g. `0.1.0`. */
export const version = '0.1.0'
