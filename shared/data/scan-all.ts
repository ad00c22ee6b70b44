// data: every item of a table, for the operator's whole-table tools (`recompute`).
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './clients.js';

export interface ScanOptions {
  /** Parallel scan segments: DynamoDB reads each from its own partitions at once. */
  segments?: number;
  /**
   * Items per page. DynamoDB stops a page at 1 MB anyway; a bound keeps DynamoDB Local,
   * which reads all it may return into its heap before cutting the page, from running
   * out of memory on a city-sized table (InternalFailure at 127k members).
   */
  pageSize?: number;
}

/** Visits every item, consistently read, in no particular order. */
export async function scanAll(tableName: string, visit: (item: Record<string, unknown>) => void, opts: ScanOptions = {}): Promise<void> {
  const segments = opts.segments ?? 4;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const pages = paginateScan(
        { client: documentClient(), pageSize: opts.pageSize ?? 1000 },
        { TableName: tableName, ConsistentRead: true, Segment: segment, TotalSegments: segments },
      );
      for await (const page of pages) for (const item of page.Items ?? []) visit(item);
    }),
  );
}
