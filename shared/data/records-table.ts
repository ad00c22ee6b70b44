// data: the Records table as every store here is handed it: the document client to reach
// it and its name (keys.ts has its layout).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface RecordsTable {
  documentClient: DynamoDBDocumentClient;
  /** The Records table's name. */
  tableName: string;
}
