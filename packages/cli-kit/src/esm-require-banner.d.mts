// Types of esm-require-banner.mjs (plain JavaScript, so it runs before anything is compiled).
export const ESM_REQUIRE_BANNER: string;
