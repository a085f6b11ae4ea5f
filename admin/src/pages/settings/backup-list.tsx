/** The backups in <data dir>/backups, newest first (backup.list: file facts only; reading one needs the password). */
import type { Output } from '../../api.js'
import { DataTable, Time } from '../../components/bits.js'

type Listing = Output<'backup.list'>

export function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`
}

export function BackupList(props: { listing: Listing }) {
  const { dir, backups } = props.listing
  return (
    <>
      <p class="muted">
        In <code>{dir}</code>. Restore one with <code>waiaas backup restore FILE</code> on the daemon's machine; backups written elsewhere are not listed.
      </p>
      <DataTable
        rows={backups}
        class="backups"
        empty="No backup yet."
        columns={['File', 'Written', 'Size']}
        row={(b) => (
          <tr key={b.file} data-file={b.file}>
            <td>
              <code title={b.file}>{b.name}</code>
            </td>
            <td>
              <Time iso={b.createdAt} />
            </td>
            <td>{bytes(b.bytes)}</td>
          </tr>
        )}
      />
    </>
  )
}
