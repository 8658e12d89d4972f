/**
 * The settings rules the server enforces, imported as they are so the browser checks the same
 * rules beside the fields before anything is sent.
 */
export * from '../../../src/modules/settings/schema.ts';
