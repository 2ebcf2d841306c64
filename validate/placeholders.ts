/** `${Name}`: a DefinitionSubstitutions / templatefile placeholder. */
const PLACEHOLDER = /\$\{[^}]*\}/g;

const ARN_SEGMENT = ['arn', 'aws', 'service', 'us-east-1', '123456789012'];

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
    return value.startsWith('arn:') ? resolveArn(value) : value.replace(PLACEHOLDER, 'placeholder');
  }
  if (Array.isArray(value)) return value.map((item) => resolvePlaceholders(item));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolvePlaceholders(v, k)]));
  return value;
}
