import { BaseCommand } from '../../cli/base-command.js'
import type { Output } from '../../lib/contract/index.js'
import { WaiaasError } from '../../lib/errors.js'

export default class AuditVerify extends BaseCommand<typeof AuditVerify> {
  static override description = 'Recompute the audit hash chain; fails (exit 1, AUDIT_CHAIN_BROKEN) at the first altered, removed or reordered entry'
  static override examples = ['<%= config.bin %> audit verify', '<%= config.bin %> audit verify --json']

  protected override async exec(): Promise<Output<'audit.verify'>> {
    const client = await this.daemon()
    const r = await client.call('audit.verify', {})
    if (!r.valid) {
      throw new WaiaasError('AUDIT_CHAIN_BROKEN', `The audit log is broken at entry ${r.brokenAt?.seq ?? '?'} (${r.brokenAt?.reason ?? 'unknown'})`, {
        details: { entries: r.entries, brokenAt: r.brokenAt ?? null },
      })
    }
    return r
  }

  protected override render(r: Output<'audit.verify'>): void {
    this.log(`Audit chain intact: ${r.entries} entries, head #${r.headSeq} ${r.headHash.slice(0, 16)}…`)
  }
}
