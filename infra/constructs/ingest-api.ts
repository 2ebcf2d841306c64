import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { SluiceConfig } from '../../contracts/config.ts';
import { DeploymentEnv } from '../../contracts/deployment.ts';
import { NAME_LIMITS, physicalName } from '../physical-names.ts';
import { TaskFunction } from './task-function.ts';

/** What a route through API Gateway's own integration answers (the Firehose routes): 202 once the record is on the stream, 400 for what AWS refused, 502 otherwise. */
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
  private kinesisRoute?: TaskFunction;
  /** kinesis pipeline -> its stream's name, for the route's function. */
  private readonly streams: Record<string, string> = {};

  constructor(
    scope: Construct,
    id: string,
    private readonly config: SluiceConfig,
  ) {
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

  /**
   * POST /<pipeline>/events -> the route's function (ingest/kinesis-route.ts): Kinesis PutRecord (partition key:
   * the request id), 202; an event too large to reach the workflow through the Pipe refused with 413. API
   * Gateway's own Kinesis integration took such an event, and the Pipe dead-lettered it.
   */
  addKinesisRoute(pipeline: string, stream: kinesis.Stream): apigateway.Method {
    const route = (this.kinesisRoute ??= new TaskFunction(this, 'KinesisRoute', {
      entry: 'ingest/kinesis-route.ts',
      config: this.config,
      environment: { [DeploymentEnv.ingestStreams]: Lazy.string({ produce: () => Stack.of(this).toJsonString(this.streams) }) },
      description: 'sluice ingest: POST /<pipeline>/events onto its Kinesis stream (413 for an event no Pipe could hand on)',
      timeoutSeconds: 10,
    }));
    this.streams[pipeline] = stream.streamName;
    iam.Grant.addToPrincipal({ grantee: route.role, actions: ['kinesis:PutRecord'], resourceArns: [stream.streamArn] });
    stream.encryptionKey?.grant(route.role, 'kms:GenerateDataKey');
    return this.route(pipeline, 'events', new apigateway.LambdaIntegration(route.function));
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
