/**
 * Consent is a clear act: only "y" or "yes" (any case, surrounding spaces ignored) is a yes. "yolo", "yeah", "you're
 * kidding? no", an empty answer, Ctrl-C and end of input are all no.
 */
export function isExplicitYes(answer: null | string): boolean {
  return answer !== null && ['y', 'yes'].includes(answer.trim().toLowerCase())
}
