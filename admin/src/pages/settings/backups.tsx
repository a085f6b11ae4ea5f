/**
 * Backups: make one now (the daemon asks for the master password again: a backup is sealed under a key stretched
 * from it) and see the ones in the data directory's backups folder.
 */
import { useState } from 'preact/hooks'
import { call, type Output } from '../../api.js'
import { ErrorBox, Loading, Time } from '../../components/bits.js'
import { Confirm } from '../../components/dialog.js'
import { useCall } from '../../data.js'
import { BackupList, bytes } from './backup-list.js'

type Made = Output<'backup.create'>

export function Backups() {
  const [asking, setAsking] = useState(false)
  const [made, setMade] = useState<Made | undefined>()
  const list = useCall('backup.list', {}, ['backup.'])
  return (
    <section aria-labelledby="backups-title">
      <div class="page-head">
        <h2 id="backups-title">Backups</h2>
        <button type="button" class="primary" onClick={() => setAsking(true)}>
          Create a backup
        </button>
      </div>
      {made !== undefined && (
        <p class="ok-box" role="status">
          Backup written: <code>{made.file}</code> ({bytes(made.bytes)}, {made.walletCount} wallets, audit head #{made.auditHead.seq}, <Time iso={made.createdAt} />
          ).
        </p>
      )}
      <ErrorBox error={list.error} />
      <Loading when={list.data === undefined && list.error === undefined}>{list.data !== undefined && <BackupList listing={list.data} />}</Loading>
      {asking && (
        <Confirm
          title="Create an encrypted backup?"
          confirmLabel="Create backup"
          password
          onConfirm={async (password) => {
            setMade(await call('backup.create', {}, { password: password ?? '' }))
            list.reload()
          }}
          onClose={() => setAsking(false)}
        >
          <p>
            A consistent snapshot of the database and prices, sealed under a key stretched from the master password, written (mode 0600) to the data directory's <code>backups/</code> folder. Enter the master password
            to confirm it is you; the backup can only be restored with it.
          </p>
        </Confirm>
      )}
    </section>
  )
}
