import { Stack, Validations, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface AcceptedFinding {
  id: string;
  reason: string;
}

const arnOf = (stack: Stack, resource: IConstruct) => `<${stack.getLogicalId(resource.node.defaultChild as CfnResource)}.Arn>`;

/**
 * The cdk-nag findings sluice accepts, each with its reason (the infra tests check every one has one).
 * Everything else cdk-nag reports as an error fails synthesis.
 */
export function acceptedFindings(
  stack: Stack,
  scoped: { buckets: IConstruct[]; functions: IConstruct[]; tables: IConstruct[]; quietPipelines: string[] },
): AcceptedFinding[] {
  return [
    ...(scoped.quietPipelines.length === 0
      ? []
      : [
          {
            id: 'AwsSolutions-SF1',
            reason: `The configuration sets logLevel below ALL for ${scoped.quietPipelines.join(', ')}: the production setting the README recommends, for the cost of logging every state with its data; the others log ALL`,
          },
        ]),
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Only actions AWS defines on no resource: X-Ray PutTraceSegments/PutTelemetryRecords, Step Functions log delivery (logs:CreateLogDelivery and friends), and the CDK bucket-notification helper',
    },
    ...scoped.buckets.map((bucket) => ({
      id: `AwsSolutions-IAM5[Resource::${arnOf(stack, bucket)}/*]`,
      reason: 'Object-level access to the objects of one named bucket: keys are per record batch and unknown in advance',
    })),
    ...scoped.functions.map((fn) => ({
      id: `AwsSolutions-IAM5[Resource::${arnOf(stack, fn)}:*]`,
      reason: 'grantInvoke also allows the versions of this one function, as Step Functions may call a qualified ARN',
    })),
    ...scoped.tables.map((table) => ({
      id: `AwsSolutions-IAM5[Resource::${arnOf(stack, table)}/index/*]`,
      reason: 'A grant on one table (the ledger, a sink table) covers that table\'s own indexes',
    })),
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "The CDK's own bucket-notification helper (eventBridgeEnabled on the raw bucket) runs once at deploy with this role",
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'API Gateway execution logging needs the account-level CloudWatch role, which AWS defines with this managed policy',
    },
    { id: 'AwsSolutions-COG4', reason: 'The ingest routes use IAM authorization (SigV4): producers are AWS principals, not Cognito users' },
    { id: 'AwsSolutions-APIG2', reason: 'Every ingest method validates its body (request validator "Body" with a JSON-object model); the check looks at the API resource only' },
    { id: 'AwsSolutions-APIG3', reason: 'WAF is an account decision; the routes are IAM-authorized and only put records on streams' },
    { id: 'AwsSolutions-SQS3', reason: 'These queues are the dead-letter queues of Pipes and EventBridge targets; a DLQ of a DLQ adds nothing' },
    { id: 'AwsSolutions-SMG4', reason: 'The secrets hold an OpenSearch endpoint and a New Relic license key: neither can be rotated by a Secrets Manager rotation function' },
    { id: 'AwsSolutions-KDS3', reason: 'The review asks for customer-managed KMS encryption of the streams; its cost is accepted' },
    { id: 'CloudFormation-Validate::W7001', reason: 'The CDK Firehose module adds a CIDR mapping to every stack that imports it; unused here' },
  ];
}

export function acknowledge(stack: Stack, findings: AcceptedFinding[]): void {
  for (const finding of findings) Validations.of(stack).acknowledge(finding);
}
