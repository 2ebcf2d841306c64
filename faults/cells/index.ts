import type { Cell } from '../cell.ts';
import { bisectionCell } from './bisection.ts';
import { dynamodbCell } from './dynamodb.ts';
import { extraCells } from './extras.ts';
import { kill9Cell } from './kill-9.ts';
import { opensearchCells } from './opensearch.ts';
import { s3DownCell } from './s3-down.ts';
import { s3LakeCell } from './s3-lake.ts';
import { taskThrowsCell } from './task-throws.ts';

/** The fault matrix, in the order the issue lists its faults, then the extras. */
export const cells: Cell[] = [...opensearchCells, dynamodbCell, s3LakeCell, s3DownCell, taskThrowsCell, kill9Cell, bisectionCell, ...extraCells];
