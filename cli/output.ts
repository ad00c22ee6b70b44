// cli: writing to stdout for a process that exits right after its command.

/** Writes to stdout and resolves once the bytes are taken (a pipe may not have taken them yet when the process exits). */
export function writeOut(text: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}
