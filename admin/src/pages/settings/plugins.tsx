/** The HTTP plugins, read-only: enabling or disabling one is done on the socket (`waiaas plugin enable rest`). */
import { ErrorBox, Loading } from '../../components/bits.js'
import { useCall } from '../../data.js'

export function Plugins() {
  const list = useCall('plugin.list', {}, ['plugin.'])
  return (
    <section aria-labelledby="plugins-title">
      <h2 id="plugins-title">Plugins</h2>
      <p class="muted">
        Enabling or disabling a plugin changes who can reach the daemon, so it is done from the CLI on this machine: <code>waiaas plugin enable NAME</code>.
      </p>
      <ErrorBox error={list.error} />
      <Loading when={list.data === undefined && list.error === undefined}>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Plugin</th>
                <th scope="col">State</th>
                <th scope="col">Address</th>
              </tr>
            </thead>
            <tbody>
              {list.data?.plugins.map((p) => (
                <tr key={p.name}>
                  <td>
                    <code>{p.name}</code>
                  </td>
                  <td>
                    <span class={`badge ${p.error !== null ? 'state-failed' : p.enabled ? 'state-confirmed' : ''}`}>{p.error !== null ? 'failed' : p.enabled ? 'enabled' : 'disabled'}</span>
                    {p.error !== null && (
                      <div class="field-error">
                        <code>{p.error.code}</code>: {p.error.message}
                      </div>
                    )}
                  </td>
                  <td>
                    {p.listening !== null ? <code>{p.listening}</code> : <code>{`${p.host}:${p.port}`}</code>}
                    {p.allowNonLoopback && <span class="badge state-awaiting_approval">beyond loopback</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Loading>
    </section>
  )
}
