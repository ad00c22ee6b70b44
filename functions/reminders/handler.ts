// Placeholder so that the CDK stack synthesizes; the real handler replaces this file.
export const handler = async () => ({});
