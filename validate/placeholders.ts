/** `${Name}`: a DefinitionSubstitutions / templatefile placeholder. */
const PLACEHOLDER = /\$\{[^}]*\}/g;

const ARN_SEGMENT = ['arn', 'aws', 'service', 'us-east-1', '123456789012'];
/** The fields whose value is a timestamp: a Wait's, and a Choice's comparisons that are not paths. */
const TIMESTAMP_FIELDS = /^(Timestamp|Timestamp(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals))$/;

/** A placeholder inside an ARN becomes what that segment would hold (partition, region, account, or a name); `${AWS::Region}` holds colons of its own. */
function resolveArn(arn: string): string {
  const marked = arn.replace(PLACEHOLDER, '\u0001');
  return marked
    .split(':')
    .map((segment, i) => segment.replace(/\u0001/g, i < ARN_SEGMENT.length && i > 0 && i !== 2 ? ARN_SEGMENT[i]! : 'placeholder'))
    .join(':');
}

/**
 * The definition with every `${…}` placeholder replaced by a well-formed stand-in value, so schema checks
 * see what AWS will see after substitution: a Resource that is one placeholder (qualified or not) becomes a
 * Lambda ARN, a placeholder inside an ARN takes its segment's shape, any other becomes a plain word.
 */
export function resolvePlaceholders(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    // a Resource that is one placeholder, alone or qualified (`${FunctionArn}:${Alias}`), is a Lambda function's ARN
    const resource = key === 'Resource' ? /^\$\{[^}]*\}(:.*)?$/.exec(value) : null;
    if (resource) return `arn:aws:lambda:us-east-1:123456789012:function:placeholder${(resource[1] ?? '').replace(PLACEHOLDER, 'placeholder')}`;
    // a timestamp a template fills in (a Wait's, a Choice's comparison) is a date-time
    if (TIMESTAMP_FIELDS.test(key) && /^\$\{[^}]*\}$/.test(value)) return '2030-01-01T00:00:00Z';
    // a path a template fills in (`"ResultPath": "${Where}"`) is a path
    if (/Path$/.test(key) && /^\$\{[^}]*\}$/.test(value)) return '$.placeholder';
    return value.startsWith('arn:') ? resolveArn(value) : value.replace(PLACEHOLDER, 'placeholder');
  }
  if (Array.isArray(value)) return value.map((item) => resolvePlaceholders(item));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolvePlaceholders(v, k)]));
  return value;
}
