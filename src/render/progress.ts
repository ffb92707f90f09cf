/** Progress on long work: a bar redrawn in place on a terminal, nothing otherwise (logs stay clean). */
export function progressBar(stream: NodeJS.WriteStream, unit: string): ((done: number, total: number) => void) | undefined {
  if (!stream.isTTY) return undefined
  return (done, total) => {
    const width = 30
    const filled = Math.round((done / total) * width)
    stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${unit}`)
    if (done === total) stream.write('\n')
  }
}
