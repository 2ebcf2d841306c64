import * as t from 'io-ts';

/** A CloudWatch Logs subscription payload after gunzip. */
export const CloudWatchLogsPayload = t.type({
  messageType: t.keyof({ DATA_MESSAGE: null, CONTROL_MESSAGE: null }),
  owner: t.string,
  logGroup: t.string,
  logStream: t.string,
  subscriptionFilters: t.array(t.string),
  logEvents: t.array(t.type({ id: t.string, timestamp: t.number, message: t.string })),
});
export type CloudWatchLogsPayload = t.TypeOf<typeof CloudWatchLogsPayload>;
