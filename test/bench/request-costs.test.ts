import { PutObjectCommand } from '@aws-sdk/client-s3';
import { BatchWriteCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { requestCeiling } from '../../bench/request-costs.ts';
import { operationOf } from '../../local/breakdown.ts';

describe('the ceiling the requests of an execution set', () => {
  it("names a request by the operation the service sees, the document client's too", () => {
    expect(operationOf(new PutObjectCommand({ Bucket: 'b', Key: 'k' }))).toBe('PutObject');
    expect(operationOf(new PutCommand({ TableName: 't', Item: {} }))).toBe('PutItem');
    expect(operationOf(new UpdateCommand({ TableName: 't', Key: {} }))).toBe('UpdateItem');
    expect(operationOf(new QueryCommand({ TableName: 't' }))).toBe('Query');
    expect(operationOf(new BatchWriteCommand({ RequestItems: {} }))).toBe('BatchWriteItem');
  });

  it('sums count x cost per execution and divides every core by it; an operation without a cost is named, not guessed', () => {
    const perExecution = new Map([
      ['s3.PutObject', 5],
      ['dynamodb.UpdateItem', 4],
      ['s3.SelectObjectContent', 1],
    ]);
    const costs = new Map([
      ['s3.PutObject', 3],
      ['dynamodb.UpdateItem', 1],
    ]);
    const ceiling = requestCeiling(perExecution, costs, 500);
    expect(ceiling.cpuMs).toBe(19);
    expect(ceiling.recordsPerSecond).toBeCloseTo((availableParallelism() * 1000 * 500) / 19);
    expect(ceiling.uncosted).toStrictEqual(['s3.SelectObjectContent']);
  });
});
