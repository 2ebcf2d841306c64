import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { NAME_LIMITS, physicalName } from '../physical-names.ts';

/** What the routes answer: 202 once the record is on the stream, 400 for what AWS refused, 502 otherwise. */
const RESPONSES = [
  { statusCode: '202', responseTemplates: { 'application/json': '{"accepted": true}' } },
  { statusCode: '400', selectionPattern: '4\\d{2}', responseTemplates: { 'application/json': '{"accepted": false, "error": "rejected"}' } },
  { statusCode: '502', selectionPattern: '5\\d{2}', responseTemplates: { 'application/json': '{"accepted": false, "error": "stream unavailable"}' } },
];

/**
 * The HTTP ingest of systems S1 and S3: POST /<pipeline>/events puts an event on the pipeline's Kinesis
 * stream, POST /<pipeline>/records puts a record on its Firehose stream; both answer 202 Accepted.
 * IAM-authorized, the body validated as a JSON object, access-logged and traced.
 */
export class IngestApi extends Construct {
  readonly api: apigateway.RestApi;
  private readonly role: iam.Role;
  private readonly validator: apigateway.RequestValidator;
  private readonly model: apigateway.Model;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: physicalName(this, NAME_LIMITS.restApi, 'ingest'),
      description: 'sluice: HTTP ingest onto Kinesis and Firehose (202 Accepted)',
      cloudWatchRole: true,
      deployOptions: {
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        tracingEnabled: true,
      },
    });
    this.role = new iam.Role(this, 'IntegrationRole', { assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com') });
    this.validator = this.api.addRequestValidator('Body', { validateRequestBody: true });
    this.model = this.api.addModel('JsonObject', {
      contentType: 'application/json',
      schema: { schema: apigateway.JsonSchemaVersion.DRAFT4, type: apigateway.JsonSchemaType.OBJECT, minProperties: 1 },
    });
  }

  private route(pipeline: string, path: string, integration: apigateway.AwsIntegration): apigateway.Method {
    const resource = this.api.root.resourceForPath(`${pipeline}/${path}`);
    return resource.addMethod('POST', integration, {
      authorizationType: apigateway.AuthorizationType.IAM,
      requestValidator: this.validator,
      requestModels: { 'application/json': this.model },
      methodResponses: RESPONSES.map(({ statusCode }) => ({ statusCode })),
    });
  }

  /** POST /<pipeline>/events -> Kinesis PutRecord (partition key: the request id). */
  addKinesisRoute(pipeline: string, stream: kinesis.Stream): apigateway.Method {
    iam.Grant.addToPrincipal({ grantee: this.role, actions: ['kinesis:PutRecord'], resourceArns: [stream.streamArn] });
    stream.encryptionKey?.grant(this.role, 'kms:GenerateDataKey');
    return this.route(
      pipeline,
      'events',
      new apigateway.AwsIntegration({
        service: 'kinesis',
        action: 'PutRecord',
        options: {
          credentialsRole: this.role,
          passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
          requestTemplates: {
            'application/json': `{"StreamName": "${stream.streamName}", "Data": "$util.base64Encode($input.body)", "PartitionKey": "$context.requestId"}`,
          },
          integrationResponses: RESPONSES,
        },
      }),
    );
  }

  /** POST /<pipeline>/records -> Firehose PutRecord. */
  addFirehoseRoute(pipeline: string, deliveryStream: { arn: string; name: string }): apigateway.Method {
    iam.Grant.addToPrincipal({ grantee: this.role, actions: ['firehose:PutRecord'], resourceArns: [deliveryStream.arn] });
    return this.route(
      pipeline,
      'records',
      new apigateway.AwsIntegration({
        service: 'firehose',
        action: 'PutRecord',
        options: {
          credentialsRole: this.role,
          passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
          requestTemplates: {
            'application/json': `{"DeliveryStreamName": "${deliveryStream.name}", "Record": {"Data": "$util.base64Encode($input.body)"}}`,
          },
          integrationResponses: RESPONSES,
        },
      }),
    );
  }
}
