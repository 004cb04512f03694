/** The suite's version (lerna fixed mode); a unit test keeps it equal to lerna.json. */
export const SUITE_VERSION = '1.0.0';
