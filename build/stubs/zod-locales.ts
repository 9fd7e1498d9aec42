// Stands in for zod's table of every locale: only English is used (zod sets it as the default
// itself, from locales/en.js); the other 40-odd locales would be parsed on every start for nothing.
export { default as en } from 'zod/v4/locales/en.js';
