import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * S3 permissions with named actions only. The CDK's bucket grants (grantRead, grantWrite) use wildcard
 * actions such as s3:GetObject* and s3:List*, which the review forbids.
 */
export function grantObjects(bucket: s3.IBucket, grantee: iam.IGrantable, actions: ('s3:GetObject' | 's3:GetObjectVersion' | 's3:PutObject' | 's3:DeleteObject')[]): iam.Grant {
  const objects = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [bucket.arnForObjects('*')] });
  // ListBucket lets a GetObject of a missing key answer 404 (NoSuchKey) instead of 403
  if (actions.includes('s3:GetObject')) iam.Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [bucket.bucketArn] });
  return objects;
}
