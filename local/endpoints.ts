// local: what `npm start` leaves in its data directory for the CLI to find the stack.

export const ENDPOINTS_FILE = 'endpoints.json';

export interface LocalEndpoints {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  apiUrl: string;
  /** The handlers' environment: table names, queue URLs, topic. */
  env: Record<string, string>;
  pid: number;
}
