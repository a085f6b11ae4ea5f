/** A labelled form field whose daemon error (by field path) is shown under it and announced to screen readers. */
import type { ComponentChildren } from 'preact'
import { useId } from 'preact/hooks'

export function Field(props: { label: string; error?: string | undefined; help?: string | undefined; children: (id: string, describedBy: string | undefined) => ComponentChildren }) {
  const id = useId()
  const errId = props.error !== undefined ? `${id}-err` : undefined
  const helpId = props.help !== undefined ? `${id}-help` : undefined
  const describedBy = [errId, helpId].filter(Boolean).join(' ') || undefined
  return (
    <div class={`field${props.error !== undefined ? ' invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.children(id, describedBy)}
      {props.help !== undefined && (
        <small id={helpId} class="muted">
          {props.help}
        </small>
      )}
      {props.error !== undefined && (
        <small id={errId} class="field-error" role="alert">
          {props.error}
        </small>
      )}
    </div>
  )
}
