/**
 * Policies: the list by scope, adding and editing through the form generated from each type's module
 * (`#/policies/new`, `#/policies/edit/<id>`), and the `policy test` simulator. Live: any policy change, from here or
 * the CLI, refreshes the list.
 */
import './admin-pages.css'
import { useCall } from '../data.js'
import { ErrorBox, Loading } from '../components/bits.js'
import { href, navigate } from '../router.js'
import { PolicyForm } from './policies/form.js'
import { PolicyList } from './policies/list.js'
import { PolicySimulator } from './policies/simulator.js'
import type { PageProps } from './types.js'

const LIVE = ['policy.'] as const

export function PoliciesPage(props: PageProps) {
  const [, sub, id] = props.route.parts
  const list = useCall('policy.list', {}, LIVE)
  const back = (): void => navigate(href('policies'))
  if (sub === 'new') {
    return (
      <>
        <h1>Policies</h1>
        <PolicyForm onDone={() => (list.reload(), back())} onCancel={back} />
      </>
    )
  }
  if (sub === 'edit') {
    const policy = list.data?.policies.find((p) => p.id === id)
    return (
      <>
        <h1>Policies</h1>
        <ErrorBox error={list.error} />
        <Loading when={list.data === undefined && list.error === undefined}>
          {policy === undefined ? <p>No policy {id}.</p> : <PolicyForm key={policy.id} policy={policy} onDone={() => (list.reload(), back())} onCancel={back} />}
        </Loading>
      </>
    )
  }
  return (
    <>
      <div class="page-head">
        <h1>Policies</h1>
        <a class="button primary" href={href('policies', 'new')}>
          Add a policy
        </a>
      </div>
      {list.data !== undefined && <p class="muted">Policy revision {list.data.revision}. Every change bumps it; each decision records the revision it was made under.</p>}
      <ErrorBox error={list.error} />
      <Loading when={list.data === undefined && list.error === undefined}>{list.data !== undefined && <PolicyList policies={list.data.policies} onChanged={list.reload} />}</Loading>
      <PolicySimulator />
    </>
  )
}
