/** The attribute a DynamoDB sink keys its items by, and the field enrich writes the record id to. */
export const KEY_ATTRIBUTE = 'record_id';
