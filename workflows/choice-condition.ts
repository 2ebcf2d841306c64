/** A Choice rule of the ASL (JSONPath flavour): a comparison on a Variable, or And / Or / Not of rules. */
type Rule = Record<string, unknown>;

const OPERATORS: Record<string, string> = { Equals: '==', LessThan: '<', GreaterThan: '>', LessThanEquals: '<=', GreaterThanEquals: '>=' };
const TESTS: Record<string, [string, string]> = {
  IsPresent: ['is present', 'is absent'],
  IsNull: ['is null', 'is not null'],
  IsNumeric: ['is a number', 'is not a number'],
  IsString: ['is a string', 'is not a string'],
  IsBoolean: ['is a boolean', 'is not a boolean'],
  IsTimestamp: ['is a timestamp', 'is not a timestamp'],
};

function comparison(rule: Rule): string {
  const variable = String(rule.Variable);
  for (const [key, value] of Object.entries(rule)) {
    if (key in TESTS) return `${variable} ${TESTS[key]![value === true ? 0 : 1]}`;
    if (key === 'StringMatches') return `${variable} matches ${JSON.stringify(value)}`;
    // StringEquals, NumericLessThanPath, TimestampGreaterThanEquals…: the type prefix says nothing a reader needs
    const operator = /^(?:String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$/.exec(key);
    if (operator) return `${variable} ${OPERATORS[operator[1]!]} ${operator[2] ? String(value) : JSON.stringify(value)}`;
  }
  throw new Error(`a Choice rule on ${variable} has no comparison sluice knows: ${JSON.stringify(rule)}`);
}

/** One rule as text, e.g. `$.retry.elapsedSeconds < 140`; And / Or / Not nested in parentheses. */
export function conditionText(rule: Rule): string {
  const nested = (inner: Rule) => (inner.And || inner.Or ? `(${conditionText(inner)})` : conditionText(inner));
  if (Array.isArray(rule.And)) return (rule.And as Rule[]).map(nested).join(' and ');
  if (Array.isArray(rule.Or)) return (rule.Or as Rule[]).map(nested).join(' or ');
  if (rule.Not) return `not ${nested(rule.Not as Rule)}`;
  return comparison(rule);
}

/** The rule as lines for an edge label: a top-level And or Or one operand a line, the others one line. */
export function conditionLines(rule: Rule): string[] {
  const [operands, joiner] = Array.isArray(rule.And) ? [rule.And as Rule[], 'and'] : Array.isArray(rule.Or) ? [rule.Or as Rule[], 'or'] : [[rule], ''];
  return operands.map((operand, i) => {
    const text = operand.And || operand.Or ? `(${conditionText(operand)})` : conditionText(operand);
    return i === 0 ? text : `${joiner} ${text}`;
  });
}
