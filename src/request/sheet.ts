/** What a preview says about its request besides the body: how each field was derived, what is estimated, warnings. */

export type Derivation = 'count' | 'derived' | 'hashed' | 'masked' | 'raw'

export interface FieldOrigin {
  derivation: Derivation
  /** Why the value may differ from what kedro would send, or null when it is exact. */
  estimated: null | string
  /** The body path, e.g. properties.command. */
  field: string
  note: string
  /** Where the value comes from: a file, the command line, the interpreter, the environment. */
  source: string
}

export class PreviewSheet {
  readonly estimated = new Set<string>()
  readonly origins: FieldOrigin[] = []
  readonly warnings: string[] = []

  /** Records how `field` was derived; an `estimated` reason also marks the field estimated. */
  origin(field: string, derivation: Derivation, source: string, note = '', estimated: null | string = null): void {
    this.origins.push({derivation, estimated, field, note, source})
    if (estimated) this.estimated.add(field)
  }

  warn(warning: string): void {
    if (!this.warnings.includes(warning)) this.warnings.push(warning)
  }
}
