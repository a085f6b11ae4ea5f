import { BaseCommand } from '../cli/base-command.js'

interface Data {
  version: string
  node: string
  platform: string
  arch: string
}

/** `waiaas version`; `waiaas --version` and `waiaas -v` print the same line (oclif's version flags). */
export default class Version extends BaseCommand<typeof Version> {
  static override summary = 'Show the waiaas version, Node.js version and platform'
  static override description = 'The same line as `waiaas --version` and `waiaas -v`; with --json, the parts as fields.'
  static override examples = ['<%= config.bin %> version', '<%= config.bin %> version --json']

  protected override async exec(): Promise<Data> {
    return { version: this.config.version, node: process.version, platform: process.platform, arch: process.arch }
  }

  protected override render(): void {
    this.log(this.config.userAgent)
  }
}
