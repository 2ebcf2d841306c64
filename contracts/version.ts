/** Stamped into every enriched record's metadata, so a record says which sluice shaped it. */
export const SLUICE_VERSION = '0.1.0';
